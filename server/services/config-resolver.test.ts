import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import {
  DEFAULT_AGENT_CONFIG,
  DEFAULT_RAG_TOP_K,
  resolvedAgentConfigSchema,
} from '../../shared/session.schema.ts';
import { FORBIDDEN_KEYS } from '../../shared/json-guard.ts';
import { AppError, NotFoundError, ValidationError } from '../errors.ts';
import {
  applyDefaults,
  createConfigResolver,
  deriveRag,
  mergeJson,
  normaliseTools,
  resolveAgentConfig,
} from './config-resolver.ts';

const prototypeKeys = () => Reflect.ownKeys(Object.prototype).map(String).sort();
const PROTOTYPE_KEYS = prototypeKeys();

afterEach(() => {
  // Whatever a test fed in, Object.prototype is what it was.
  expect(prototypeKeys()).toEqual(PROTOTYPE_KEYS);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

/** Every object and array inside a value. */
function containers(value: unknown, into = new Set<object>()): Set<object> {
  if (typeof value === 'object' && value !== null) {
    into.add(value);
    for (const key of Object.keys(value)) containers((value as Record<string, unknown>)[key], into);
  }
  return into;
}

function sharesAnObject(a: unknown, b: unknown): boolean {
  const inA = containers(a);
  return [...containers(b)].some((item) => inA.has(item));
}

/** Every key at any depth. */
function allKeys(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) {
      into.push(key);
      allKeys((value as Record<string, unknown>)[key], into);
    }
  }
  return into;
}

const hostile = (json: string) => JSON.parse(json) as Record<string, unknown>;

describe('mergeJson', () => {
  test('plain objects merge key by key, at every depth', () => {
    expect(
      mergeJson(
        { llm: { provider: 'openai', model: 'a', extra: { x: 1, y: 2 } }, greeting: 'hi' },
        { llm: { model: 'b', extra: { y: 3 } } },
      ),
    ).toEqual({ llm: { provider: 'openai', model: 'b', extra: { x: 1, y: 3 } }, greeting: 'hi' });
  });

  test('arrays from the override replace, never concatenate', () => {
    expect(mergeJson({ tools: ['a', 'b'] }, { tools: ['c'] })).toEqual({ tools: ['c'] });
    expect(mergeJson({ tools: ['a'] }, { tools: [] })).toEqual({ tools: [] });
  });

  test('scalars replace, and a type change replaces whole', () => {
    expect(mergeJson({ a: 1, b: { c: 1 }, d: 'x' }, { a: 'one', b: 2, d: { e: 1 } })).toEqual({
      a: 'one',
      b: 2,
      d: { e: 1 },
    });
  });

  test('null clears a key, at any depth; clearing what is absent leaves nothing behind', () => {
    expect(
      mergeJson(
        { greeting: 'hi', llm: { temperature: 0.3, model: 'm' }, variables: { a: '1', b: '2' } },
        { greeting: null, llm: { temperature: null }, variables: { a: null }, fresh: { x: null } },
      ),
    ).toEqual({ llm: { model: 'm' }, variables: { b: '2' }, fresh: {} });
  });

  test('null inside an array is a value, not a clear', () => {
    expect(mergeJson({}, { list: [1, null] })).toEqual({ list: [1, null] });
  });

  test('only own keys are read: an override key named like an Object method merges as data', () => {
    expect(mergeJson({}, { toString: { a: 1 }, hasOwnProperty: 'x' })).toEqual({
      toString: { a: 1 },
      hasOwnProperty: 'x',
    });
    expect(mergeJson({ valueOf: 1 }, { valueOf: { b: 2 } })).toEqual({ valueOf: { b: 2 } });
  });

  test('__proto__, constructor and prototype are never copied, from either side', () => {
    const base = hostile(
      '{"a":{"__proto__":{"polluted":1},"keep":1},"constructor":{"prototype":{"polluted":1}}}',
    );
    const override = hostile(
      '{"__proto__":{"polluted":2},"a":{"prototype":1,"constructor":{"x":1}},"b":[{"__proto__":{"polluted":3}}]}',
    );
    const merged = mergeJson(base, override);
    expect(merged).toEqual({ a: { keep: 1 }, b: [{}] });
    expect(allKeys(merged).filter((key) => FORBIDDEN_KEYS.has(key))).toEqual([]);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
  });

  test('the result shares no object with either input, and neither input changes', () => {
    const base = { llm: { provider: 'p' }, tools: [{ name: 'a', parameters: { q: {} } }] };
    const override = { llm: { model: 'm' }, extra: { deep: [{ x: 1 }] } };
    const before = JSON.stringify([base, override]);
    const merged = mergeJson(base, override);
    expect(sharesAnObject(merged, base)).toBe(false);
    expect(sharesAnObject(merged, override)).toBe(false);
    expect(JSON.stringify([base, override])).toBe(before);
  });
});

describe('normaliseTools', () => {
  test('a name becomes { name }, names are trimmed, objects keep their other fields', () => {
    expect(
      normaliseTools([
        ' lookup ',
        { name: ' book ', description: 'Books', parameters: { a: 1 }, x: 1 },
      ]),
    ).toEqual([
      { name: 'lookup' },
      { name: 'book', description: 'Books', parameters: { a: 1 }, x: 1 },
    ]);
  });

  test('a name listed twice collapses: the later tool wins, in the first one’s place', () => {
    expect(normaliseTools(['a', 'b', { name: 'a ', description: 'later' }, 'c', 'b'])).toEqual([
      { name: 'a', description: 'later' },
      { name: 'b' },
      { name: 'c' },
    ]);
  });

  test.each([
    [
      ['ok', 'bad name'],
      'config.tools[1]: tool names are 1–64 letters, digits, "_" or "-" (got "bad name")',
    ],
    [
      [{ name: '   ' }],
      'config.tools[0].name: tool names are 1–64 letters, digits, "_" or "-" (got "")',
    ],
    [['x'.repeat(65)], /^config\.tools\[0\]: tool names are/],
    [[42], 'config.tools[0]: a tool is a name or { name, description, parameters }'],
    [
      [{ description: 'no name' }],
      'config.tools[0]: a tool is a name or { name, description, parameters }',
    ],
    ['lookup', 'config.tools: expected a list of tools'],
  ])('%j is a ValidationError naming the path', (tools, message) => {
    const call = () => normaliseTools(tools);
    expect(call).toThrow(ValidationError);
    expect(call).toThrow(message);
  });
});

describe('deriveRag (the knowledge-base rule)', () => {
  test.each([
    ['no knowledge base', undefined, { enabled: false, documentIds: [], topK: DEFAULT_RAG_TOP_K }],
    [
      'enabled without documents stays off',
      { enabled: true, documentIds: [] },
      { enabled: false, documentIds: [], topK: 5 },
    ],
    [
      'documents turn it on',
      { documentIds: ['d1'] },
      { enabled: true, documentIds: ['d1'], topK: 5 },
    ],
    [
      'enabled: false wins over documents',
      { enabled: false, documentIds: ['d1'], topK: 3 },
      { enabled: false, documentIds: ['d1'], topK: 3 },
    ],
    [
      'ids are trimmed and de-duplicated in first order',
      { documentIds: [' b', 'a', 'b ', ''], topK: 8 },
      { enabled: true, documentIds: ['b', 'a'], topK: 8 },
    ],
  ])('%s', (_, knowledgeBase, rag) => {
    expect(deriveRag(knowledgeBase)).toEqual(rag);
  });
});

describe('applyDefaults', () => {
  test('an empty config gets the default config', () => {
    expect(applyDefaults({})).toEqual(DEFAULT_AGENT_CONFIG);
  });

  test('a section without a provider gets the default provider, keys it sets win', () => {
    expect(applyDefaults({ llm: { temperature: 0.2, model: 'gpt-4.1' } }).llm).toEqual({
      provider: 'openai',
      model: 'gpt-4.1',
      temperature: 0.2,
    });
  });

  test('a section naming a provider gets nothing added: that provider’s defaults are the worker’s', () => {
    expect(applyDefaults({ tts: { provider: 'elevenlabs' } }).tts).toEqual({
      provider: 'elevenlabs',
    });
  });

  test('what the config says stays', () => {
    const config = { instructions: 'Be brief', tools: [{ name: 'a' }], variables: { x: '1' } };
    expect(applyDefaults(config)).toMatchObject(config);
  });
});

describe('resolveAgentConfig', () => {
  const stored = {
    instructions: 'You are a receptionist.',
    greeting: 'Hello!',
    llm: { provider: 'openai', model: 'gpt-4o-mini', temperature: 0.4 },
    tools: ['lookup_booking', { name: 'transfer', description: 'Transfer the call' }],
    knowledgeBase: { documentIds: ['faq'], topK: 3 },
    variables: { company: 'Acme', city: 'Paris' },
    vad: { sensitivity: 0.5 },
  };

  test('stored config + overrides: merged, tools normalised, defaults applied, rag derived', () => {
    const resolved = resolveAgentConfig({
      stored,
      overrides: {
        greeting: null,
        llm: { temperature: 0.9 },
        variables: { city: 'Lyon', company: null },
        tools: ['lookup_booking', 'hang_up'],
        vad: { threshold: 2 },
      },
    });
    expect(resolved).toEqual({
      instructions: 'You are a receptionist.',
      llm: { provider: 'openai', model: 'gpt-4o-mini', temperature: 0.9 },
      stt: DEFAULT_AGENT_CONFIG.stt,
      tts: DEFAULT_AGENT_CONFIG.tts,
      tools: [{ name: 'lookup_booking' }, { name: 'hang_up' }],
      knowledgeBase: { documentIds: ['faq'], topK: 3 },
      variables: { city: 'Lyon' },
      vad: { sensitivity: 0.5, threshold: 2 },
      rag: { enabled: true, documentIds: ['faq'], topK: 3 },
    });
    expect(resolvedAgentConfigSchema.parse(resolved)).toEqual(resolved);
  });

  test('without a stored config it starts from the default config', () => {
    expect(resolveAgentConfig({})).toEqual({
      ...DEFAULT_AGENT_CONFIG,
      rag: { enabled: false, documentIds: [], topK: DEFAULT_RAG_TOP_K },
    });
  });

  test('null clears back to the default', () => {
    const resolved = resolveAgentConfig({ stored, overrides: { instructions: null, llm: null } });
    expect(resolved.instructions).toBe(DEFAULT_AGENT_CONFIG.instructions);
    expect(resolved.llm).toEqual(DEFAULT_AGENT_CONFIG.llm);
  });

  test('a stored config’s duplicate tools (written around the API) collapse', () => {
    const resolved = resolveAgentConfig({
      stored: { tools: ['a', { name: 'a', description: 'x' }] },
    });
    expect(resolved.tools).toEqual([{ name: 'a', description: 'x' }]);
  });

  test('a given `rag` is replaced by the derived one', () => {
    expect(resolveAgentConfig({ overrides: { rag: { enabled: true } } }).rag).toEqual({
      enabled: false,
      documentIds: [],
      topK: DEFAULT_RAG_TOP_K,
    });
  });

  test('a stored config that breaks a rule is a ValidationError naming the path under config', () => {
    const call = () => resolveAgentConfig({ stored: { llm: { temperature: 7 } } });
    expect(call).toThrow(ValidationError);
    expect(call).toThrow(/^config\.llm\.temperature: /);
  });

  test('the result shares no object with the stored config, which does not change', () => {
    const before = JSON.stringify(stored);
    const resolved = resolveAgentConfig({ stored, overrides: {} });
    expect(sharesAnObject(resolved, stored)).toBe(false);
    resolved.variables.company = 'changed';
    (resolved.vad as { sensitivity: number }).sensitivity = 1;
    expect(JSON.stringify(stored)).toBe(before);
  });
});

describe('createConfigResolver', () => {
  test('loads the stored config by agentId', async () => {
    const loaded: string[] = [];
    const resolver = createConfigResolver({
      loadStoredConfig: async (agentId) => {
        loaded.push(agentId);
        return { greeting: 'stored' };
      },
    });
    expect((await resolver.resolve({ agentId: 'abc', overrides: {} })).greeting).toBe('stored');
    expect(loaded).toEqual(['abc']);
  });

  test('without an agentId nothing is loaded', async () => {
    const resolver = createConfigResolver({
      loadStoredConfig: () => Promise.reject(new Error('must not load')),
    });
    await expect(resolver.resolve({ overrides: { greeting: 'hi' } })).resolves.toMatchObject({
      greeting: 'hi',
    });
  });

  test('the loader’s errors pass through (NOT_FOUND, SERVICE_UNAVAILABLE)', async () => {
    const resolver = createConfigResolver({
      loadStoredConfig: () => Promise.reject(new NotFoundError('Agent x was not found')),
    });
    await expect(resolver.resolve({ agentId: 'x' })).rejects.toBeInstanceOf(NotFoundError);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over arbitrary JSON, hostile keys included.

const hostileKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  '$where',
  '$x',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'polluted',
);
const anyKey = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: hostileKey },
);
const safeKey = fc.string({ maxLength: 6 }).filter((key) => !FORBIDDEN_KEYS.has(key));

/** JSON values whose objects are built with own keys (Object.fromEntries), `__proto__` included. */
function jsonWith(keys: fc.Arbitrary<string>, maxDepth = 4) {
  const { value } = fc.letrec<{ value: unknown; object: Record<string, unknown> }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth },
      fc.constant(null),
      fc.boolean(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.string({ maxLength: 8 }),
      fc.array(tie('value'), { maxLength: 4 }),
      tie('object'),
    ),
    object: fc
      .array(fc.tuple(keys, tie('value')), { maxLength: 5 })
      .map((entries) => Object.fromEntries(entries) as Record<string, unknown>),
  }));
  return value;
}

const objectWith = (keys: fc.Arbitrary<string>) =>
  fc
    .array(fc.tuple(keys, jsonWith(keys)), { maxLength: 6 })
    .map((entries) => Object.fromEntries(entries));

/** The override's leaves: [path, value] for every non-object value (null included). */
function leaves(value: Record<string, unknown>, path: string[] = []): [string[], unknown][] {
  return Object.keys(value).flatMap((key) => {
    const child = value[key];
    if (typeof child === 'object' && child !== null && !Array.isArray(child)) {
      return leaves(child as Record<string, unknown>, [...path, key]);
    }
    return [[[...path, key], child] as [string[], unknown]];
  });
}

function at(value: unknown, path: string[]): { found: boolean; value?: unknown } {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) {
      return { found: false };
    }
    current = (current as Record<string, unknown>)[key];
  }
  return { found: true, value: current };
}

describe('properties', () => {
  test('merging {} changes nothing (and copies everything)', () => {
    fc.assert(
      fc.property(objectWith(safeKey), (base) => {
        const merged = mergeJson(base, {});
        expect(merged).toEqual(base);
        expect(sharesAnObject(merged, base)).toBe(false);
      }),
    );
  });

  test('overrides always win: every leaf of the override is in the result, a null leaf is absent', () => {
    fc.assert(
      fc.property(objectWith(safeKey), objectWith(safeKey), (base, override) => {
        const merged = mergeJson(base, override);
        for (const [path, value] of leaves(override)) {
          const found = at(merged, path);
          if (value === null) expect(found.found).toBe(false);
          else expect(found).toEqual({ found: true, value });
        }
      }),
    );
  });

  test('keys the override does not name keep the base’s value', () => {
    fc.assert(
      fc.property(objectWith(safeKey), objectWith(safeKey), (base, override) => {
        const merged = mergeJson(base, override) as Record<string, unknown>;
        for (const key of Object.keys(base).filter((k) => !Object.hasOwn(override, k))) {
          expect(merged[key]).toEqual(base[key]);
        }
      }),
    );
  });

  test('hostile keys: Object.prototype never changes, forbidden keys never come out, inputs stay as they were', () => {
    fc.assert(
      fc.property(objectWith(anyKey), objectWith(anyKey), (base, override) => {
        const before = JSON.stringify([base, override]);
        const merged = mergeJson(base, override);
        expect(prototypeKeys()).toEqual(PROTOTYPE_KEYS);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(allKeys(merged).filter((key) => FORBIDDEN_KEYS.has(key))).toEqual([]);
        for (const item of containers(merged)) {
          expect([Object.prototype, Array.prototype]).toContain(Object.getPrototypeOf(item));
        }
        expect(sharesAnObject(merged, base) || sharesAnObject(merged, override)).toBe(false);
        expect(JSON.stringify([base, override])).toBe(before);
      }),
    );
  });

  test('the whole resolver on hostile input: a valid resolved config or a ValidationError, nothing else', () => {
    fc.assert(
      fc.property(objectWith(anyKey), objectWith(anyKey), (stored, overrides) => {
        try {
          const resolved = resolveAgentConfig({ stored, overrides });
          expect(resolvedAgentConfigSchema.parse(resolved)).toEqual(resolved);
          expect(allKeys(resolved).filter((key) => FORBIDDEN_KEYS.has(key))).toEqual([]);
        } catch (error) {
          expect(error).toBeInstanceOf(AppError);
          expect((error as AppError).code).toBe('BAD_REQUEST');
        }
        expect(prototypeKeys()).toEqual(PROTOTYPE_KEYS);
      }),
    );
  });

  test('resolving is stable: a resolved config resolved again with {} is itself', () => {
    fc.assert(
      fc.property(objectWith(safeKey), (overrides) => {
        let once;
        try {
          once = resolveAgentConfig({ overrides });
        } catch {
          return; // not a valid config: nothing to compare
        }
        expect(resolveAgentConfig({ stored: once, overrides: {} })).toEqual(once);
      }),
    );
  });
});
