import { describe, expect, test } from 'vitest';
import {
  findJsonProblem,
  formatPath,
  jsonByteLength,
  jsonEqual,
  MAX_JSON_DEPTH,
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
