import { describe, expect, test } from 'vitest';
import { buildOverrides, EMPTY_OVERRIDES, serverOverrideProblem } from './call-overrides.ts';

describe('per-call overrides', () => {
  test('no fields means no overrides at all', () => {
    expect(buildOverrides(EMPTY_OVERRIDES)).toEqual({ ok: true, overrides: undefined });
  });

  test('quick fields land in their sections, on top of the JSON', () => {
    const result = buildOverrides({
      ...EMPTY_OVERRIDES,
      greeting: ' Hello! ',
      voice: 'verse',
      temperature: '0.2',
      json: '{"llm": {"model": "gpt-4.1", "temperature": 1}, "greeting": null, "custom": true}',
    });
    expect(result).toEqual({
      ok: true,
      overrides: {
        llm: { model: 'gpt-4.1', temperature: 0.2 },
        greeting: 'Hello!',
        custom: true,
        tts: { voice: 'verse' },
      },
    });
  });

  test('null in the JSON clears a field (the schema allows it)', () => {
    expect(buildOverrides({ ...EMPTY_OVERRIDES, json: '{"tts": {"voice": null}}' })).toEqual({
      ok: true,
      overrides: { tts: { voice: null } },
    });
  });

  test('problems are reported against the field that has them', () => {
    expect(buildOverrides({ ...EMPTY_OVERRIDES, temperature: 'hot' })).toEqual({
      ok: false,
      field: 'temperature',
      message: 'Enter a number',
    });
    expect(buildOverrides({ ...EMPTY_OVERRIDES, temperature: '7' })).toEqual({
      ok: false,
      field: 'temperature',
      message: 'Must be at most 2',
    });
    expect(buildOverrides({ ...EMPTY_OVERRIDES, json: '[1]' })).toMatchObject({
      ok: false,
      field: 'json',
    });
    const operator = buildOverrides({ ...EMPTY_OVERRIDES, json: '{"$set": {}}' });
    expect(operator).toMatchObject({ ok: false, field: 'json' });
    expect(operator.ok || operator.message).toContain('"$"');
  });

  test('a problem deeper in the JSON names its path', () => {
    expect(buildOverrides({ ...EMPTY_OVERRIDES, json: '{"tts": {"speed": 9}}' })).toEqual({
      ok: false,
      field: 'json',
      message: 'tts.speed: Must be at most 4',
    });
  });

  test('the server’s problems with the overrides land on the same fields, by path', () => {
    const refused = (path: string[]) => ({
      code: 'BAD_REQUEST',
      message: 'x',
      issues: [{ path, message: 'Must be at most 2' }],
      details: null,
    });
    expect(serverOverrideProblem(refused(['agentConfig', 'llm', 'temperature']))).toEqual({
      field: 'temperature',
      message: 'Must be at most 2',
    });
    expect(serverOverrideProblem(refused(['agentConfig', 'tools', '0', 'name']))).toEqual({
      field: 'json',
      message: 'tools[0].name: Must be at most 2',
    });
    expect(serverOverrideProblem(refused(['roomName']))).toBeNull();
  });
});
