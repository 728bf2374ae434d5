/**
 * Structural checks for free-form JSON documents (agent configs and their overrides) that zod's
 * object parsing cannot do: zod silently drops an own `__proto__` key, so the walk runs on the raw
 * input before any schema touches it.
 */

/** Keys that could reach an object's prototype chain if ever copied with plain assignment. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);

/** How deep objects and arrays may nest inside a config. */
export const MAX_JSON_DEPTH = 32;

export type JsonPath = (string | number)[];

export interface JsonProblem {
  path: JsonPath;
  message: string;
}

/**
 * Why a key cannot be stored, or null when it can. `$`-prefixed keys are MongoDB operators, keys
 * with `.` or NUL are not portable across MongoDB-compatible stores (FerretDB refuses them).
 */
export function keyProblem(key: string): string | null {
  if (FORBIDDEN_KEYS.has(key)) return `the key "${key}" is not allowed`;
  if (key.startsWith('$')) return `keys may not start with "$" (got "${key}")`;
  if (key.includes('.')) return `keys may not contain "." (got "${key}")`;
  if (key.includes('\u0000')) return 'keys may not contain the NUL character';
  return null;
}

/**
 * Walks a JSON value (iteratively, so hostile nesting cannot overflow the stack) and returns the
 * first problem found: a forbidden key, nesting deeper than {@link MAX_JSON_DEPTH}, or a value
 * that is not plain JSON.
 */
export function findJsonProblem(value: unknown, basePath: JsonPath = []): JsonProblem | null {
  const stack: { value: unknown; path: JsonPath; depth: number }[] = [
    { value, path: basePath, depth: 0 },
  ];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    if (current === null) continue;
    switch (typeof current) {
      case 'string':
      case 'boolean':
        continue;
      case 'number':
        if (!Number.isFinite(current)) return { path, message: 'numbers must be finite' };
        continue;
      case 'object':
        break;
      default:
        return { path, message: `${typeof current} is not a JSON value` };
    }
    if (depth >= MAX_JSON_DEPTH) {
      return { path, message: `nesting deeper than ${MAX_JSON_DEPTH} levels is not allowed` };
    }
    if (Array.isArray(current)) {
      current.forEach((item, index) =>
        stack.push({ value: item, path: [...path, index], depth: depth + 1 }),
      );
      continue;
    }
    const proto: unknown = Object.getPrototypeOf(current);
    if (proto !== Object.prototype && proto !== null) {
      return { path, message: 'only plain JSON objects are allowed' };
    }
    for (const key of Object.keys(current)) {
      const problem = keyProblem(key);
      if (problem) return { path: [...path, key], message: problem };
      stack.push({
        value: (current as Record<string, unknown>)[key],
        path: [...path, key],
        depth: depth + 1,
      });
    }
  }
  return null;
}

/** UTF-8 size of the value's JSON text, the size a store and LiveKit metadata both see. */
export function jsonByteLength(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value) ?? '').length;
}

/** `config.llm.model`, `config.tools[2].name`: how a path is shown in messages. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** Deep equality of JSON values, key order ignored (server and client compare configs with it). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]))
    );
  }
  return false;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
