// For the Mongoose adapters' integration tests: does every query they send have an index behind
// it (on MongoDB; the bundled FerretDB 1.x scans whatever it is given)?

import mongoose, { type Connection, type Schema, type mongo } from 'mongoose';
import { expect } from 'vitest';

/** One query as the driver sent it: what it filters on and how it sorts. */
export interface SentQuery {
  collection: string;
  /** The wire command: find, findAndModify, update, delete, aggregate (countDocuments), count. */
  command: string;
  filter: Record<string, unknown>;
  sort?: Record<string, number>;
  limit?: number;
}

/** A declared index's keys in order: `[['workspaceId', 1], ['createdAt', -1]]`. */
export type IndexKeys = [string, unknown][];

export function declaredIndexes(schema: Schema): IndexKeys[] {
  return schema.indexes().map(([keys]) => Object.entries(keys));
}

/** The queries in the commands a connection made with `monitorCommands: true` sends. */
export function recordQueries(connection: Connection): { queries: SentQuery[]; stop(): void } {
  const queries: SentQuery[] = [];
  const onCommand = (event: mongo.CommandStartedEvent) => {
    queries.push(...queriesOf(event.commandName, event.command));
  };
  const client = connection.getClient();
  client.on('commandStarted', onCommand);
  return { queries, stop: () => client.off('commandStarted', onCommand) };
}

/**
 * The driver sends Mongoose's sort as a `Map` (its keys keep their order that way); read it as a
 * plain object, or every sort would look like none and go unchecked.
 */
function plainSort(sort: unknown): Record<string, number> | undefined {
  if (sort instanceof Map) return Object.fromEntries(sort) as Record<string, number>;
  return sort as Record<string, number> | undefined;
}

function queriesOf(commandName: string, command: mongo.Document): SentQuery[] {
  const collection = String(command[commandName]);
  const query = (filter: unknown, more: { sort?: unknown; limit?: unknown } = {}): SentQuery => ({
    collection,
    command: commandName,
    filter: (filter ?? {}) as Record<string, unknown>,
    sort: plainSort(more.sort),
    limit: more.limit as number | undefined,
  });
  switch (commandName) {
    case 'find':
      return [query(command.filter, { sort: command.sort, limit: command.limit })];
    case 'findAndModify':
      return [query(command.query, { sort: command.sort })];
    case 'count':
      return [query(command.query)];
    case 'update':
      return (command.updates as { q: unknown }[]).map((update) => query(update.q));
    case 'delete':
      return (command.deletes as { q: unknown; limit?: number }[]).map((del) =>
        query(del.q, { limit: del.limit }),
      );
    case 'aggregate': {
      const [first] = command.pipeline as Record<string, unknown>[];
      return [query(first?.$match)];
    }
    default:
      return []; // inserts, index and collection management, pings: no query
  }
}

/**
 * Expects each query on one of the collections to have an index behind it (`indexes`: the declared
 * indexes of each collection, `[]` for one queried by `_id` only); answers those queries.
 */
export function expectEveryQueryIndexed(
  queries: readonly SentQuery[],
  indexes: Record<string, IndexKeys[]>,
): SentQuery[] {
  const sent = queries.filter((query) => Object.hasOwn(indexes, query.collection));
  for (const query of sent) {
    const servedBy = servingIndex(query, indexes[query.collection]!);
    expect({ ...query, servedBy }).toEqual({ ...query, servedBy: expect.any(String) as unknown });
  }
  return sent;
}

/**
 * Which index can answer a query: `_id` for an equality or `$in` on `_id`; the first document of
 * the collection for an empty filter with limit 1 and no sort; otherwise a declared index whose
 * leading keys the filter pins by equality — every equality in the filter among them — and whose
 * next keys are the sort, in order (either direction). Other predicates (a keyset range on the
 * sort keys, a name match) are applied while walking that index. Undefined when none can.
 */
export function servingIndex(
  query: { filter: Record<string, unknown>; sort?: unknown; limit?: number },
  indexes: IndexKeys[],
): string | undefined {
  const isEquality = (value: unknown) =>
    value === null ||
    typeof value !== 'object' ||
    value instanceof Date ||
    value instanceof mongoose.Types.ObjectId;
  const id = query.filter._id;
  if (Object.hasOwn(query.filter, '_id')) {
    if (isEquality(id)) return '_id';
    if (id !== null && typeof id === 'object' && Object.keys(id).join() === '$in') return '_id';
  }
  const sort = Object.entries((query.sort ?? {}) as Record<string, number>);
  const fields = Object.keys(query.filter);
  if (fields.length === 0 && sort.length === 0 && query.limit === 1) return 'first document';
  const equalities = fields.filter((field) => isEquality(query.filter[field]));
  for (const keys of indexes) {
    let pinned = 0;
    while (
      pinned < keys.length &&
      Object.hasOwn(query.filter, keys[pinned]![0]) &&
      isEquality(query.filter[keys[pinned]![0]])
    )
      pinned++;
    if (pinned === 0) continue;
    const pinnedFields = new Set(keys.slice(0, pinned).map(([field]) => field));
    if (!equalities.every((field) => pinnedFields.has(field))) continue;
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
