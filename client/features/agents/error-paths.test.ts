import { describe, expect, test } from 'vitest';
import type { ApiErrorInfo } from '../../lib/api-error.ts';
import {
  fieldForConfigPath,
  parsePath,
  serverErrorsToFields,
  validateConfigJson,
  validateDraft,
} from './error-paths.ts';

const badRequest = (message: string, fieldErrors: Record<string, string[]> = {}): ApiErrorInfo => ({
  code: 'BAD_REQUEST',
  message,
  fieldErrors,
});

describe('error paths', () => {
  test('paths in messages parse into segments', () => {
    expect(parsePath('config.tools[2].name')).toEqual(['config', 'tools', 2, 'name']);
    expect(parsePath('config.llm.$x')).toEqual(['config', 'llm', '$x']);
    expect(parsePath('name')).toEqual(['name']);
    expect(parsePath('Agent 65a…')).toBeNull();
  });

  test('config paths land on the form field that shows them', () => {
    expect(fieldForConfigPath(['llm', 'temperature'])).toBe('llm.temperature');
    expect(fieldForConfigPath(['tools', 1])).toBe('tools.1.name');
    expect(fieldForConfigPath(['tools', 1, 'parameters', 'type'])).toBe('tools.1.parameters');
    expect(fieldForConfigPath(['knowledgeBase', 'documentIds', 3])).toBe(
      'knowledgeBase.documentIds',
    );
    expect(fieldForConfigPath(['llm', 'seed'])).toBe('config');
    expect(fieldForConfigPath(['routing'])).toBe('config');
  });

  test('a server BAD_REQUEST is filed under each path its message names', () => {
    const errors = serverErrorsToFields(
      badRequest(
        'config.llm.temperature: Too big: expected number to be <=2; config.tools[1]: tool "a" is listed twice (also at tools[0]); name must not be empty',
        {
          config: ['Too big: expected number to be <=2', 'tool "a" is listed twice'],
          name: ['name must not be empty'],
        },
      ),
    );
    expect(errors).toEqual({
      'llm.temperature': ['Must be at most 2'],
      'tools.1.name': ['tool "a" is listed twice (also at tools[0])'],
      name: ['name must not be empty'],
    });
  });

  test('problems outside the form keep their path, under the config', () => {
    const errors = serverErrorsToFields(
      badRequest('config.routing.$where: keys may not start with "$" (got "$where")'),
    );
    expect(errors).toEqual({
      config: ['routing.$where: keys may not start with "$" (got "$where")'],
    });
  });

  test('an oversized config is a config error; an unplaced message falls back to fieldErrors', () => {
    expect(
      serverErrorsToFields({
        code: 'PAYLOAD_TOO_LARGE',
        message: 'config is 70 KiB; the limit is 64 KiB',
        fieldErrors: {},
      }),
    ).toEqual({ config: ['config is 70 KiB; the limit is 64 KiB'] });
    expect(serverErrorsToFields(badRequest('Something odd', { description: ['x'] }))).toEqual({
      description: ['Something odd'],
    });
    expect(
      serverErrorsToFields(badRequest('nothing to update: give name, description or config')),
    ).toEqual({
      form: ['nothing to update: give name, description or config'],
    });
  });

  test('a draft is checked with the shared schema, form issues first', () => {
    const errors = validateDraft(
      { name: '   ', description: '', config: { llm: { temperature: 'warm' }, tts: { speed: 9 } } },
      [{ field: 'llm.temperature', message: 'Enter a number' }],
    );
    expect(errors).toEqual({
      'llm.temperature': ['Enter a number'],
      name: ['name must not be empty'],
      'tts.speed': ['Must be at most 4'],
    });
  });

  test('raw JSON is validated live: syntax, forbidden keys, shape; unknown keys are fine', () => {
    expect(validateConfigJson('{"llm": {"model": "x"}, "future": {"a": 1}}')).toEqual({
      ok: true,
      config: { llm: { model: 'x' }, future: { a: 1 } },
    });
    expect(validateConfigJson('{"llm": ')).toMatchObject({ ok: false, path: '' });
    expect(validateConfigJson('[]')).toMatchObject({
      ok: false,
      message: 'config must be a JSON object',
    });
    const proto = validateConfigJson('{"a": {"__proto__": {"x": 1}}}');
    expect(proto).toMatchObject({ ok: false, path: 'a.__proto__' });
    expect(validateConfigJson('{"llm": {"temperature": 3}}')).toEqual({
      ok: false,
      path: 'llm.temperature',
      message: 'Must be at most 2',
    });
    const huge = JSON.stringify({
      instructions: 'x'.repeat(59_000),
      greeting: 'y'.repeat(3_900),
      more: 'z'.repeat(4_000),
    });
    const tooLarge = validateConfigJson(huge);
    expect(tooLarge.ok || tooLarge.message).toMatch(/limit is 64 KiB/);
  });
});
