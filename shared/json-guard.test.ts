import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  findJsonProblem,
  formatPath,
  jsonByteLength,
  jsonEqual,
  MAX_JSON_DEPTH,
  measureJson,
} from './json-guard.ts';

describe('findJsonProblem', () => {
  test('plain JSON passes', () => {
    expect(findJsonProblem({ a: [1, 'two', null, true, { b: {} }] })).toBeNull();
  });

  test.each([
    ['__proto__', JSON.parse('{"x": [{"__proto__": 1}]}') as unknown, ['x', 0, '__proto__']],
    ['constructor', { constructor: 1 }, ['constructor']],
    ['prototype', { a: { prototype: {} } }, ['a', 'prototype']],
    ['a $ key', { a: { $set: {} } }, ['a', '$set']],
    ['a dotted key', { 'a.b': 1 }, ['a.b']],
  ])('finds %s with its path', (_, value, path) => {
    expect(findJsonProblem(value)?.path).toEqual(path);
  });

  test('hostile nesting is reported, never a stack overflow', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const problem = findJsonProblem(deep);
    expect(problem?.message).toBe(`nesting deeper than ${MAX_JSON_DEPTH} levels is not allowed`);
    expect(problem?.path).toHaveLength(MAX_JSON_DEPTH);
  });

  test('non-JSON values are refused', () => {
    expect(findJsonProblem({ when: new Date() })?.message).toBe(
      'only plain JSON objects are allowed',
    );
    expect(findJsonProblem({ n: Number.NaN })?.message).toBe('numbers must be finite');
    expect(findJsonProblem({ f: () => 1 })?.message).toBe('function is not a JSON value');
  });
});

test('formatPath writes dots and indexes', () => {
  expect(formatPath(['config', 'tools', 2, 'name'])).toBe('config.tools[2].name');
  expect(formatPath([])).toBe('');
});

test('jsonByteLength counts UTF-8 bytes', () => {
  expect(jsonByteLength({ a: 'é' })).toBe('{"a":"é"}'.length + 1);
});

describe('measureJson', () => {
  test('counts exactly what JSON.stringify writes, in UTF-8', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ stringUnit: 'binary', maxDepth: 3, depthSize: 'small' }),
        (value) => {
          expect(measureJson(value, Infinity)).toEqual({
            status: 'within',
            bytes: jsonByteLength(value),
          });
        },
      ),
      { numRuns: 200 },
    );
    for (const text of ['\ud800', 'a\udfffb', '😀', '\u0000\u001b\b\n"\\', '\u007f\u0080']) {
      expect(measureJson({ [text]: [text] }, Infinity)).toEqual({
        status: 'within',
        bytes: jsonByteLength({ [text]: [text] }),
      });
    }
  });

  test('the limit is inclusive', () => {
    const value = { notes: 'x'.repeat(100) };
    const bytes = jsonByteLength(value);
    expect(measureJson(value, bytes)).toEqual({ status: 'within', bytes });
    expect(measureJson(value, bytes - 1)).toEqual({ status: 'too_large' });
  });

  test('stops reading once past the limit, however large the value', () => {
    let reads = 0;
    const items = new Proxy(
      Array.from({ length: 10_000 }, () => 'x'.repeat(10)),
      {
        get(target, key, receiver) {
          if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
          return Reflect.get(target, key, receiver) as unknown;
        },
      },
    );
    expect(measureJson({ items }, 64 * 1024)).toEqual({ status: 'too_large' });
    // 12 bytes and a comma per item: past 64 KiB after about 5,000 of the 10,000.
    expect(reads).toBeLessThanOrEqual(Math.ceil((64 * 1024) / 13) + 1);
  });

  test('stops at nesting deeper than the limit, with its path', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const measured = measureJson({ a: deep }, Infinity);
    expect(measured).toEqual({
      status: 'too_deep',
      problem: {
        path: ['a', ...Array<number>(MAX_JSON_DEPTH - 1).fill(0)],
        message: `nesting deeper than ${MAX_JSON_DEPTH} levels is not allowed`,
      },
    });
  });
});

describe('jsonEqual', () => {
  test.each([
    [{ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }, true],
    [{ a: 1 }, { a: 1, b: undefined }, false],
    [[1, 2], [2, 1], false],
    [{ a: null }, { a: null }, true],
    [{ a: {} }, { a: [] }, false],
    ['1', 1, false],
  ])('%j vs %j → %s', (a, b, equal) => {
    expect(jsonEqual(a, b)).toBe(equal);
  });
});
