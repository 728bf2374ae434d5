import { describe, expect, test } from 'vitest';
import { AGENT_EXPORT_MAX_BYTES as SERVER_EXPORT_MAX } from '../../../shared/agent-export.schema.ts';
import { NAME_MAX_LENGTH as SERVER_NAME_MAX } from '../../../shared/agent.schema.ts';
import { AGENT_EXPORT_MAX_BYTES, exportFileName, NAME_MAX_LENGTH } from './export-file.ts';

test("the dashboard's copies of the server's limits are the server's", () => {
  expect(AGENT_EXPORT_MAX_BYTES).toBe(SERVER_EXPORT_MAX);
  expect(NAME_MAX_LENGTH).toBe(SERVER_NAME_MAX);
});

describe('exportFileName', () => {
  test.each([
    ['Front desk', 'front-desk.switchboard-agent.json'],
    ['  Réception — Zürich  ', 'reception-zurich.switchboard-agent.json'],
    ['日本語', 'agent.switchboard-agent.json'],
    [`${'a'.repeat(59)} b`, `${'a'.repeat(59)}.switchboard-agent.json`],
  ])('%s → %s', (name, file) => {
    expect(exportFileName(name)).toBe(file);
  });
});
