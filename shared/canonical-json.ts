/**
 * Canonical JSON: the same value always gives the same text, whatever the key order it was built
 * in — object keys sorted (by UTF-16 code units, as `Array.prototype.sort` does), no whitespace,
 * otherwise exactly `JSON.stringify` (keys whose value is `undefined` dropped, `undefined` in an
 * array written `null`). A call's `configHash` is the sha-256 of this text, so anyone holding the
 * config a worker received can recompute it in any language that sorts keys the same way.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value))
    return value.map((item) => (item === undefined ? null : sortKeys(item)));
  if (value === null || typeof value !== 'object') return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return sortKeys((value as { toJSON(): unknown }).toJSON());
  }
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined) sorted[key] = sortKeys(item);
  }
  return sorted;
}
