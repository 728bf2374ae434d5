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
 * One container being walked: its entries are visited in order, and the stack of these frames
 * is the current path, so no path is built unless a problem needs one.
 */
interface Frame {
  container: object;
  /** Own keys of an object; null for an array. */
  keys: string[] | null;
  /** How many entries (elements or keys) there are. */
  size: number;
  /** The entry visited next. */
  next: number;
}

function frameOf(container: object): Frame {
  const keys = Array.isArray(container) ? null : Object.keys(container);
  return { container, keys, size: keys ? keys.length : (container as unknown[]).length, next: 0 };
}

/** The path of the entry a frame visited last, from the root's frames down. */
function pathOf(stack: readonly Frame[], basePath: JsonPath): JsonPath {
  return [...basePath, ...stack.map((frame) => frame.keys?.[frame.next - 1] ?? frame.next - 1)];
}

/** The frame's next child (advancing it), or `done` when it has none left. */
function nextChild(
  frame: Frame,
): { done: true } | { done: false; key: string | null; value: unknown } {
  if (frame.next >= frame.size) return { done: true };
  const index = frame.next++;
  const key = frame.keys ? (frame.keys[index] as string) : null;
  const value: unknown =
    key === null
      ? (frame.container as unknown[])[index]
      : (frame.container as Record<string, unknown>)[key];
  return { done: false, key, value };
}

function tooDeep(path: JsonPath): JsonProblem {
  return { path, message: `nesting deeper than ${MAX_JSON_DEPTH} levels is not allowed` };
}

/** How a value compares with a size limit; see {@link measureJson}. */
export type JsonMeasure =
  | { status: 'within'; bytes: number }
  | { status: 'too_large' }
  | { status: 'too_deep'; problem: JsonProblem };

/**
 * The cheap check that runs before any other: the size of the value's UTF-8 JSON text, counted
 * without building it, and its nesting. It stops as soon as the count passes `maxBytes` (every
 * value costs at least one byte) or the nesting passes {@link MAX_JSON_DEPTH}, so its work is
 * bounded by `maxBytes` however large the value is: a hostile 1 MiB body costs what 64 KiB costs.
 * The count is exact for JSON values (what `JSON.stringify` writes); anything else is counted as
 * `null`, and {@link findJsonProblem} refuses it afterwards.
 */
export function measureJson(
  value: unknown,
  maxBytes: number,
  basePath: JsonPath = [],
): JsonMeasure {
  let bytes = scalarBytes(value, maxBytes + 1);
  if (bytes > maxBytes) return { status: 'too_large' };
  if (!isContainer(value)) return { status: 'within', bytes };
  const stack: Frame[] = [frameOf(value)];
  bytes = containerBytes(stack[0]!);
  while (stack.length > 0) {
    if (bytes > maxBytes) return { status: 'too_large' };
    const frame = stack.at(-1)!;
    const child = nextChild(frame);
    if (child.done) {
      stack.pop();
      continue;
    }
    if (child.key !== null) bytes += stringBytes(child.key, maxBytes + 1 - bytes) + 1;
    if (isContainer(child.value)) {
      if (stack.length >= MAX_JSON_DEPTH) {
        return { status: 'too_deep', problem: tooDeep(pathOf(stack, basePath)) };
      }
      const inner = frameOf(child.value);
      bytes += containerBytes(inner);
      stack.push(inner);
    } else {
      bytes += scalarBytes(child.value, maxBytes + 1 - bytes);
    }
  }
  return bytes > maxBytes ? { status: 'too_large' } : { status: 'within', bytes };
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** Brackets and separators: `[]` or `{}`, a comma between entries (keys are counted apart). */
function containerBytes(frame: Frame): number {
  return 2 + Math.max(0, frame.size - 1);
}

function scalarBytes(value: unknown, budget: number): number {
  switch (typeof value) {
    case 'string':
      return stringBytes(value, budget);
    case 'number':
      return Number.isFinite(value) ? String(value).length : 4;
    case 'boolean':
      return value ? 4 : 5;
    case 'bigint':
      return String(value).length;
    default:
      return 4; // null, and what JSON.stringify would write as null (or refuse)
  }
}

/**
 * UTF-8 bytes of `JSON.stringify(text)` (quotes and escapes included, lone surrogates escaped as
 * `\uXXXX`), counted only until the count passes `budget`.
 */
function stringBytes(text: string, budget: number): number {
  let bytes = 2;
  for (let i = 0; i < text.length && bytes <= budget; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22 || code === 0x5c) bytes += 2;
    else if (code < 0x20)
      bytes += code === 8 || code === 9 || code === 10 || code === 12 || code === 13 ? 2 : 6;
    else if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 6;
    } else if (code >= 0xdc00 && code <= 0xdfff) bytes += 6;
    else bytes += 3;
  }
  return bytes;
}

/**
 * Walks a JSON value (iteratively, so hostile nesting cannot overflow the stack) and returns the
 * first problem found: a forbidden key, nesting deeper than {@link MAX_JSON_DEPTH}, or a value
 * that is not plain JSON. Run it after {@link measureJson}, on a value known to be small: it
 * looks at every node.
 */
export function findJsonProblem(value: unknown, basePath: JsonPath = []): JsonProblem | null {
  const problem = valueProblem(value);
  if (problem) return { path: [...basePath], message: problem };
  if (!isContainer(value)) return null;
  const rootProblem = containerProblem(value);
  if (rootProblem)
    return { path: [...basePath, ...rootProblem.path], message: rootProblem.message };
  const stack: Frame[] = [frameOf(value)];
  while (stack.length > 0) {
    const frame = stack.at(-1)!;
    const child = nextChild(frame);
    if (child.done) {
      stack.pop();
      continue;
    }
    const message = valueProblem(child.value);
    if (message) return { path: pathOf(stack, basePath), message };
    if (!isContainer(child.value)) continue;
    if (stack.length >= MAX_JSON_DEPTH) return tooDeep(pathOf(stack, basePath));
    const inner = containerProblem(child.value);
    if (inner) return { path: [...pathOf(stack, basePath), ...inner.path], message: inner.message };
    stack.push(frameOf(child.value));
  }
  return null;
}

/** Why a scalar is not JSON, or null (containers are checked by {@link containerProblem}). */
function valueProblem(value: unknown): string | null {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'object':
      return null;
    case 'number':
      return Number.isFinite(value) ? null : 'numbers must be finite';
    default:
      return `${typeof value} is not a JSON value`;
  }
}

/** A container that is not a plain array or object, or an object with a key that cannot be stored. */
function containerProblem(container: object): JsonProblem | null {
  if (Array.isArray(container)) return null;
  const proto: unknown = Object.getPrototypeOf(container);
  if (proto !== Object.prototype && proto !== null) {
    return { path: [], message: 'only plain JSON objects are allowed' };
  }
  for (const key of Object.keys(container)) {
    const problem = keyProblem(key);
    if (problem) return { path: [key], message: problem };
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
