import mongoose from 'mongoose';

/**
 * Which index can answer a query: `_id` for an equality on `_id`; otherwise a declared index
 * whose leading keys the filter pins by equality and whose remaining keys are the sort, in
 * order (either direction). Other predicates (a keyset range on the sort keys, the name match)
 * are applied while walking that index. Undefined when none can.
 */
export function servingIndex(
  query: { filter: Record<string, unknown>; sort?: unknown },
  indexes: [string, unknown][][],
): string | undefined {
  const isEquality = (value: unknown) =>
    value === null ||
    typeof value !== 'object' ||
    value instanceof Date ||
    value instanceof mongoose.Types.ObjectId;
  if (Object.hasOwn(query.filter, '_id') && isEquality(query.filter._id)) return '_id';
  const sort = Object.entries((query.sort ?? {}) as Record<string, number>);
  for (const keys of indexes) {
    let pinned = 0;
    while (
      pinned < keys.length &&
      Object.hasOwn(query.filter, keys[pinned]![0]) &&
      isEquality(query.filter[keys[pinned]![0]])
    )
      pinned++;
    if (pinned === 0) continue;
    const rest = keys.slice(pinned);
    const forward = sort.every(([field, dir], i) => rest[i]?.[0] === field && rest[i]?.[1] === dir);
    const backward = sort.every(
      ([field, dir], i) => rest[i]?.[0] === field && rest[i]?.[1] === -dir,
    );
    if (sort.length <= rest.length && (forward || backward)) {
      return keys.map(([field, dir]) => `${field}_${String(dir)}`).join('_');
    }
  }
  return undefined;
}
