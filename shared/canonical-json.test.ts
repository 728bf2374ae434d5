import { describe, expect, test } from 'vitest';
import { canonicalJson } from './canonical-json.ts';

describe('canonicalJson', () => {
  test('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[{"y":2,"z":1}]},"b":1}',
    );
  });

  test('the same value built in another key order gives the same text', () => {
    const one = { llm: { model: 'm', provider: 'openai' }, instructions: 'hi', tools: [] };
    const two = { tools: [], instructions: 'hi', llm: { provider: 'openai', model: 'm' } };
    expect(canonicalJson(one)).toBe(canonicalJson(two));
  });

  test('keeps array order, and drops undefined as JSON.stringify does', () => {
    expect(canonicalJson({ a: undefined, b: [3, 1, undefined, null] })).toBe(
      '{"b":[3,1,null,null]}',
    );
  });

  test('sorts by code unit, not by locale', () => {
    expect(canonicalJson({ b: 0, B: 0, a: 0, é: 0 })).toBe('{"B":0,"a":0,"b":0,"é":0}');
  });

  test('primitives and dates are written as JSON.stringify writes them', () => {
    expect(canonicalJson('a"b')).toBe('"a\\"b"');
    expect(canonicalJson(1.5)).toBe('1.5');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson({ at: new Date(Date.UTC(2026, 0, 1)) })).toBe(
      '{"at":"2026-01-01T00:00:00.000Z"}',
    );
  });
});
