import { describe, expect, test } from 'vitest';
import {
  issuesToFields,
  serverIssuesOf,
  validateConfigJson,
  validateDraft,
} from './error-paths.ts';
import { showPath } from '../../lib/issue-path.ts';

describe('error paths', () => {
  test('issues are filed by path: form fields, tools, and the rest under the config with its path', () => {
    expect(
      issuesToFields([
        { path: ['config', 'llm', 'temperature'], message: 'Must be at most 2' },
        { path: ['config', 'tools', '1'], message: 'tool "a" is listed twice (also at tools[0])' },
        { path: ['config', 'tools', '0', 'parameters', 'type'], message: 'Must be text' },
        { path: ['config', 'knowledgeBase', 'documentIds', '3'], message: 'Must not be empty' },
        { path: ['config', 'routing', '$where'], message: 'keys may not start with "$"' },
        { path: ['config'], message: 'config is 70 KiB; the limit is 64 KiB' },
        { path: ['name'], message: 'name must not be empty' },
        { path: ['agentId'], message: 'Agent not found' },
        { path: [], message: 'nothing to update' },
      ]),
    ).toEqual({
      'llm.temperature': ['Must be at most 2'],
      'tools.1.name': ['tool "a" is listed twice (also at tools[0])'],
      'tools.0.parameters': ['Must be text'],
      'knowledgeBase.documentIds': ['Must not be empty'],
      config: [
        'routing.$where: keys may not start with "$"',
        'config is 70 KiB; the limit is 64 KiB',
      ],
      name: ['name must not be empty'],
      form: ['Agent not found', 'nothing to update'],
    });
  });

  test('a refusal without issues is about the request as a whole', () => {
    const info = {
      code: 'PAYLOAD_TOO_LARGE',
      message: 'Body over 1 MiB',
      issues: [],
      details: null,
    };
    expect(serverIssuesOf(info)).toEqual([{ path: [], message: 'Body over 1 MiB' }]);
    const issues = [{ path: ['name'], message: 'x' }];
    expect(serverIssuesOf({ ...info, issues })).toBe(issues);
  });

  test('paths are shown as people read them', () => {
    expect(showPath(['tools', '2', 'name'])).toBe('tools[2].name');
    expect(showPath(['routing', '$where'])).toBe('routing.$where');
    expect(showPath([])).toBe('');
  });

  test('a problem the form has no field for is filed under the config, its path said once', () => {
    expect(
      validateDraft({
        name: 'A',
        description: '',
        config: { routing: { $where: 1 }, variables: { v: 1 } },
      }),
    ).toEqual({
      config: [expect.stringMatching(/^config\.routing\.\$where: keys may not start with "\$"/)],
    });
    expect(validateDraft({ name: 'A', description: '', config: { variables: { v: 1 } } })).toEqual({
      config: ['variables.v: Must be text'],
    });
  });

  test('a draft is checked with the shared schema in friendly words, form issues first', () => {
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
    // The guard's own message names the path; it is not repeated.
    expect(validateConfigJson('{"a": {"__proto__": {"x": 1}}}')).toMatchObject({
      ok: false,
      path: '',
      message: expect.stringMatching(/^config\.a\.__proto__: /) as unknown,
    });
    expect(validateConfigJson('{"llm": {"temperature": 3}}')).toEqual({
      ok: false,
      path: 'llm.temperature',
      message: 'Must be at most 2',
    });
    expect(validateConfigJson('{"knowledgeBase": {"documentIds": ["a", 5]}}')).toEqual({
      ok: false,
      path: 'knowledgeBase.documentIds[1]',
      message: 'Must be text',
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
