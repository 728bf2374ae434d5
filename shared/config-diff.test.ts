import { describe, expect, test } from 'vitest';
import { diffConfigs } from './config-diff.ts';

describe('diffConfigs', () => {
  test('equal configs have no differences, whatever their key order', () => {
    expect(
      diffConfigs(
        { llm: { model: 'a', provider: 'openai' }, tools: [] },
        {
          tools: [],
          llm: { provider: 'openai', model: 'a' },
        },
      ),
    ).toEqual([]);
  });

  test('a changed leaf is one entry at its path, with both values', () => {
    expect(
      diffConfigs(
        { llm: { model: 'a', temperature: 0.3 } },
        { llm: { model: 'b', temperature: 0.3 } },
      ),
    ).toEqual([
      { kind: 'changed', path: 'llm.model', segments: ['llm', 'model'], before: 'a', after: 'b' },
    ]);
  });

  test('a key on one side only is added or removed with its whole value', () => {
    expect(
      diffConfigs({ greeting: 'Hi', stt: { language: 'en' } }, { tts: { voice: 'x' } }),
    ).toEqual([
      { kind: 'removed', path: 'greeting', segments: ['greeting'], before: 'Hi' },
      { kind: 'removed', path: 'stt', segments: ['stt'], before: { language: 'en' } },
      { kind: 'added', path: 'tts', segments: ['tts'], after: { voice: 'x' } },
    ]);
  });

  test('arrays are compared item by item; extra items are added or removed', () => {
    expect(
      diffConfigs(
        { tools: [{ name: 'hang_up' }, { name: 'lookup', description: 'old' }] },
        {
          tools: [
            { name: 'hang_up' },
            { name: 'lookup', description: 'new' },
            { name: 'transfer' },
          ],
        },
      ),
    ).toEqual([
      {
        kind: 'changed',
        path: 'tools[1].description',
        segments: ['tools', 1, 'description'],
        before: 'old',
        after: 'new',
      },
      { kind: 'added', path: 'tools[2]', segments: ['tools', 2], after: { name: 'transfer' } },
    ]);
    expect(diffConfigs({ ids: ['a', 'b'] }, { ids: ['a'] })).toEqual([
      { kind: 'removed', path: 'ids[1]', segments: ['ids', 1], before: 'b' },
    ]);
  });

  test('a value that changes kind (object to string, array to object) is one change', () => {
    expect(diffConfigs({ llm: { model: 'a' }, tools: [] }, { llm: 'gpt', tools: {} })).toEqual([
      { kind: 'changed', path: 'llm', segments: ['llm'], before: { model: 'a' }, after: 'gpt' },
      { kind: 'changed', path: 'tools', segments: ['tools'], before: [], after: {} },
    ]);
  });

  test('null is a value, not an absence', () => {
    expect(diffConfigs({ greeting: null }, {})).toEqual([
      { kind: 'removed', path: 'greeting', segments: ['greeting'], before: null },
    ]);
    expect(diffConfigs({ greeting: null }, { greeting: 'Hi' })).toEqual([
      { kind: 'changed', path: 'greeting', segments: ['greeting'], before: null, after: 'Hi' },
    ]);
  });

  test('inherited keys are not read as values', () => {
    const before = JSON.parse('{"__proto__": {"x": 1}}') as unknown;
    expect(diffConfigs(before, {})).toEqual([
      { kind: 'removed', path: '__proto__', segments: ['__proto__'], before: { x: 1 } },
    ]);
    expect(diffConfigs({}, { toString: 'a' })).toEqual([
      { kind: 'added', path: 'toString', segments: ['toString'], after: 'a' },
    ]);
  });

  test('very deep values are compared as one value past the depth limit', () => {
    let a: unknown = 'a';
    let b: unknown = 'b';
    for (let i = 0; i < 100; i += 1) {
      a = { k: a };
      b = { k: b };
    }
    const [entry, ...rest] = diffConfigs(a, b);
    expect(rest).toEqual([]);
    expect(entry?.kind).toBe('changed');
    expect(entry?.segments).toHaveLength(64);
  });
});
