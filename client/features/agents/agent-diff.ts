import { formatPath, type JsonPath } from '../../../shared/json-guard.ts';
import { jsonEqual } from '../../../shared/json-guard.ts';
import { isPlainObject } from '../../lib/json.ts';

export interface DiffEntry {
  /** `name`, `config.llm.model`, `config.tools`, … */
  path: string;
  /** `undefined` when the key is absent on that side. */
  mine: unknown;
  theirs: unknown;
}

/**
 * What differs between two versions of an agent, leaf by leaf. Objects are walked key by key;
 * arrays (tools, document ids) compare as one value, which is how people read them.
 */
export function diffAgents(mine: unknown, theirs: unknown): DiffEntry[] {
  const out: DiffEntry[] = [];
  const walk = (a: unknown, b: unknown, path: JsonPath) => {
    if (jsonEqual(a, b)) return;
    // A section only one side has is shown field by field, like one both have.
    const left = a === undefined && isPlainObject(b) ? {} : a;
    const right = b === undefined && isPlainObject(a) ? {} : b;
    if (isPlainObject(left) && isPlainObject(right)) {
      const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
      for (const key of keys) walk(left[key], right[key], [...path, key]);
      return;
    }
    out.push({ path: formatPath(path), mine: a, theirs: b });
  };
  walk(mine, theirs, []);
  return out;
}

/** A diff value as short text for a table cell. */
export function showValue(value: unknown, max = 240): string {
  if (value === undefined) return '(not set)';
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 1);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
