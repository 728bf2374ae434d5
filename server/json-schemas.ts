import { z } from 'zod';
import { agentExportFileSchema } from '../shared/agent-export.schema.ts';
import { callReportSchema } from '../shared/call-report.schema.ts';
import { agentJobMetadataSchema } from '../shared/session.schema.ts';

/**
 * The formats a worker in another language meets, published as JSON Schema (draft 2020-12)
 * generated from the shared zod schemas: committed under `schemas/` (`npm run schemas` writes
 * them; a unit test fails when they differ from what it would write) and served at
 * `GET /api/schemas/<name>.json`.
 * - the job metadata as the server writes it (`io: 'output'`: what a worker receives);
 * - the call report as the server accepts it (`io: 'input'`: what a worker sends; unknown keys
 *   are ignored);
 * - an agent export file as `agents.export` writes it (`agents.import` reads the same).
 */
const PUBLISHED = {
  'agent-job-metadata.schema': {
    schema: agentJobMetadataSchema,
    io: 'output',
    title: 'Switchboard agent job metadata',
    description:
      "An agent job's metadata (JSON): the agent, its resolved config and where to report the call. Ignore keys you do not know: new ones may be added.",
  },
  'call-report.schema': {
    schema: callReportSchema,
    io: 'input',
    title: 'Switchboard call report',
    description:
      "What an agent worker POSTs to the job metadata's report.url (Authorization: Bearer report.token) at the end of a call. A repeat replaces the earlier report.",
  },
  'agent-export.schema': {
    schema: agentExportFileSchema,
    io: 'output',
    title: 'Switchboard agent export file',
    description:
      "An agent's draft and published config (`<name>.switchboard-agent.json`), as agents.export writes it and agents.import reads it. published.configHash is the sha-256 (hex) of the canonical JSON of published.config (keys sorted, no whitespace).",
  },
} as const;

export type PublishedSchemaName = keyof typeof PUBLISHED;
export const PUBLISHED_SCHEMA_NAMES = Object.keys(PUBLISHED) as PublishedSchemaName[];

/** The schema document as committed and served: 2-space JSON and a final newline. */
export function jsonSchemaDocument(name: PublishedSchemaName): string {
  const { schema, io, title, description } = PUBLISHED[name];
  const { $schema, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'throw' });
  return `${JSON.stringify({ $schema, title, description, ...rest }, null, 2)}\n`;
}

export function isPublishedSchemaName(name: string): name is PublishedSchemaName {
  return Object.hasOwn(PUBLISHED, name);
}
