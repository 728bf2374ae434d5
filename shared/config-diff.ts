import { formatPath, jsonEqual, type JsonPath } from './json-guard.ts';

/**
 * One difference between two configs, at the path of the value that differs:
 * - `added`: only the second (`after`) has it;
 * - `removed`: only the first (`before`) has it;
 * - `changed`: both have it, with different values (or of different kinds).
 */
export type ConfigDiffEntry =
  | { kind: 'added'; path: string; segments: JsonPath; after: unknown }
  | { kind: 'removed'; path: string; segments: JsonPath; before: unknown }
  | { kind: 'changed'; path: string; segments: JsonPath; before: unknown; after: unknown };

/** Nesting a diff walks before it compares the rest as one value (configs are checked to 32). */
const MAX_DEPTH = 64;

/**
 * What differs between two JSON configs, path by path, in a stable order (keys sorted, array items
 * by index). Objects are walked key by key and arrays item by item, so a changed tool shows as
 * `tools[1].description`, not as two whole lists; a key present on one side only is one `added`
 * or `removed` entry with its whole value. Equal inputs give no entries.
 */
export function diffConfigs(before: unknown, after: unknown): ConfigDiffEntry[] {
  const out: ConfigDiffEntry[] = [];
  const walk = (a: unknown, b: unknown, segments: JsonPath) => {
    if (jsonEqual(a, b)) return;
    const path = formatPath(segments);
    if (a === undefined) {
      out.push({ kind: 'added', path, segments, after: b });
      return;
    }
    if (b === undefined) {
      out.push({ kind: 'removed', path, segments, before: a });
      return;
    }
    if (segments.length < MAX_DEPTH) {
      if (isObject(a) && isObject(b)) {
        const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
        for (const key of keys) {
          walk(
            Object.hasOwn(a, key) ? a[key] : undefined,
            Object.hasOwn(b, key) ? b[key] : undefined,
            [...segments, key],
          );
        }
        return;
      }
      if (Array.isArray(a) && Array.isArray(b)) {
        for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
          walk(index < a.length ? a[index] : undefined, index < b.length ? b[index] : undefined, [
            ...segments,
            index,
          ]);
        }
        return;
      }
    }
    out.push({ kind: 'changed', path, segments, before: a, after: b });
  };
  walk(before, after, []);
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
