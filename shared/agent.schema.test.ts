import { describe, expect, test } from 'vitest';
import {
  agentConfigSchema,
  agentCreateInputSchema,
  agentDescriptionSchema,
  agentIdSchema,
  agentNameSchema,
  CONFIG_MAX_BYTES,
} from './agent.schema.ts';
import { TOO_LARGE_REASON } from './errors.ts';

describe('agentNameSchema', () => {
  test.each([
    ['  Sales   bot ', 'Sales bot'],
    ['Line\nbreak\ttab', 'Line break tab'],
    ['x'.repeat(120), 'x'.repeat(120)],
  ])('%j normalises to %j', (input, expected) => {
    expect(agentNameSchema.parse(input)).toBe(expected);
  });

  test.each(['', '   ', 'x'.repeat(121)])('%j is refused', (input) => {
    expect(agentNameSchema.safeParse(input).success).toBe(false);
  });

  test.each([
    ['NUL', 'Front\u0000desk', 'name may not contain control characters (found U+0000)'],
    ['BEL', 'Ring\u0007', 'name may not contain control characters (found U+0007)'],
    ['ESC', '\u001b[31mRed', 'name may not contain control characters (found U+001B)'],
    ['DEL', 'a\u007fb', 'name may not contain control characters (found U+007F)'],
    ['a C1 control', 'a\u0085b', 'name may not contain control characters (found U+0085)'],
    [
      'a lone high surrogate',
      'Bot \ud800',
      'name must be well-formed Unicode text (found a lone surrogate, U+D800)',
    ],
    [
      'a lone low surrogate',
      '\udc00 Bot',
      'name must be well-formed Unicode text (found a lone surrogate, U+DC00)',
    ],
  ])('a name with %s is refused, naming the character', (_, input, message) => {
    expect(agentNameSchema.safeParse(input).error?.issues).toEqual([
      expect.objectContaining({ message }),
    ]);
  });

  test('emoji (surrogate pairs) and other scripts are kept', () => {
    expect(agentNameSchema.parse('Réception 😀 受付')).toBe('Réception 😀 受付');
  });
});

describe('agentDescriptionSchema', () => {
  test('keeps tabs and line breaks', () => {
    expect(agentDescriptionSchema.parse(' Line one\r\nline\ttwo\n')).toBe('Line one\r\nline\ttwo');
  });

  test.each([
    [
      'NUL',
      'a\u0000b',
      'description may not contain control characters other than tabs and line breaks (found U+0000)',
    ],
    [
      'ESC',
      '\u001b[2J',
      'description may not contain control characters other than tabs and line breaks (found U+001B)',
    ],
    [
      'a lone surrogate',
      'x\udbff',
      'description must be well-formed Unicode text (found a lone surrogate, U+DBFF)',
    ],
  ])('a description with %s is refused', (_, input, message) => {
    expect(agentDescriptionSchema.safeParse(input).error?.issues[0]?.message).toBe(message);
  });
});

test('agentIdSchema accepts 24 hex characters and lower-cases them', () => {
  expect(agentIdSchema.parse('0123456789ABCDEF01234567')).toBe('0123456789abcdef01234567');
  expect(agentIdSchema.safeParse('0123456789abcdef0123456').error?.issues[0]?.message).toBe(
    'agentId must be a valid Mongo ObjectId',
  );
});

describe('agentConfigSchema', () => {
  test('keeps unknown keys at every level', () => {
    const config = { llm: { provider: 'openai', seed: 7 }, vad: { threshold: 0.5 } };
    expect(agentConfigSchema.parse(config)).toEqual(config);
  });

  test('refuses a top-level array or scalar', () => {
    expect(agentConfigSchema.safeParse([]).success).toBe(false);
    expect(agentConfigSchema.safeParse('x').success).toBe(false);
  });

  test('an own __proto__ key is refused, not silently dropped', () => {
    const result = agentConfigSchema.safeParse(JSON.parse('{"__proto__": {"x": 1}}'));
    expect(result.error?.issues[0]).toMatchObject({ path: ['__proto__'] });
  });

  test('the 64 KiB limit counts UTF-8 bytes and is flagged as too large', () => {
    const overhead = JSON.stringify({ notes: '' }).length;
    const fits = { notes: 'x'.repeat(CONFIG_MAX_BYTES - overhead) };
    expect(
      agentConfigSchema.safeParse({ notes: 'x'.repeat(CONFIG_MAX_BYTES - overhead + 1) }).success,
    ).toBe(false);
    expect(agentConfigSchema.safeParse(fits).success).toBe(true);
    const multibyte = { variables: { text: 'é'.repeat(CONFIG_MAX_BYTES / 2) } };
    const issue = agentConfigSchema.safeParse(multibyte).error?.issues[0];
    expect(issue?.code === 'custom' && issue.params).toEqual({
      reason: TOO_LARGE_REASON,
      limitBytes: CONFIG_MAX_BYTES,
      actualBytes: CONFIG_MAX_BYTES + '{"variables":{"text":""}}'.length,
    });
  });

  test('an oversized config is refused by its size before anything walks the rest of it', () => {
    // About 86 KiB of strings; past the limit, an element that throws when read and a "$" key
    // that the key check would report. Neither is reached: the size check stops at 64 KiB.
    const items: unknown[] = Array.from({ length: 2000 }, () => 'x'.repeat(40));
    Object.defineProperty(items, 1999, {
      enumerable: true,
      get() {
        throw new Error('the guard walked past the limit');
      },
    });
    const config = { items, later: { $where: 'x' } };
    const issues = agentConfigSchema.safeParse(config).error?.issues;
    expect(issues).toHaveLength(1);
    expect(issues?.[0]).toMatchObject({
      params: { reason: TOO_LARGE_REASON },
      message: 'config is over 64 KiB; the limit is 64 KiB',
    });
  });

  test('tools: names are trimmed, checked and unique', () => {
    expect(agentConfigSchema.parse({ tools: [' a ', { name: 'b_2' }] }).tools).toEqual([
      'a',
      { name: 'b_2' },
    ]);
    expect(agentConfigSchema.safeParse({ tools: ['has space'] }).success).toBe(false);
    expect(agentConfigSchema.safeParse({ tools: ['a', 'a'] }).success).toBe(false);
  });
});

test('agentCreateInputSchema: only a name is required', () => {
  expect(agentCreateInputSchema.parse({ name: 'A' })).toEqual({ name: 'A' });
});
