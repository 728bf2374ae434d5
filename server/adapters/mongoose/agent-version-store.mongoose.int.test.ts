import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  connectTestDatabase,
  dropTestDatabase,
  testDatabaseUri,
} from '../../../scripts/testing/services.ts';
import { BusyError, ServiceUnavailableError } from '../../errors.ts';
import { describeAgentVersionStoreContract } from '../../ports/agent-version-store.contract.ts';
import type { NewAgentVersionRecord } from '../../ports/agent-version-store.port.ts';
import {
  declaredIndexes,
  expectEveryQueryIndexed,
  recordQueries,
} from '../../testing/index-shape.ts';
import {
  AGENT_VERSIONS_COLLECTION,
  AGENT_VERSIONS_LIST_INDEX,
  agentVersionMongooseSchema,
} from './agent-version.model.ts';
import { agentVersionId, createMongooseAgentVersionStore } from './agent-version-store.mongoose.ts';

const WS = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const OTHER_WS = 'bbbbbbbbbbbbbbbbbbbbbbbb';

/** A document written past the adapter, as a racer (or a damaged database) left it. */
type RawVersion = { _id: string } & Record<string, unknown>;

let connection: Connection;
let databaseUri: string;

beforeAll(async () => {
  databaseUri = testDatabaseUri('agent_version_store');
  connection = await connectTestDatabase(databaseUri);
  await createMongooseAgentVersionStore(connection).ensureIndexes();
});

afterAll(async () => {
  if (connection) await dropTestDatabase(connection);
});

describeAgentVersionStoreContract(
  'mongoose',
  async () => {
    await connection.collection(AGENT_VERSIONS_COLLECTION).deleteMany({});
    return createMongooseAgentVersionStore(connection);
  },
  { setupMethods: ['ensureIndexes'] },
);

const newAgentId = () => new mongoose.Types.ObjectId().toHexString();
const buildVersion = (n: number): NewAgentVersionRecord => ({
  config: { instructions: `take ${n}`, variables: {} },
  configHash: `hash-${n}`,
  restoredFrom: null,
  note: null,
  publishedBy: { kind: 'local', id: 'owner' },
  publishedAt: new Date(Date.UTC(2026, 0, 1, 12, n)),
});

describe('Mongoose agent version adapter: what is stored', () => {
  test('versions live in `agent_versions`, _id `<workspaceId>:<agentId>:v<N>`, no __v', async () => {
    const store = createMongooseAgentVersionStore(connection);
    const agentId = newAgentId();
    await store.append(WS, agentId, buildVersion(1));
    await store.append(WS, agentId, { ...buildVersion(2), restoredFrom: 1, note: 'back' });
    const raw = await connection
      .collection<{ _id: string }>(AGENT_VERSIONS_COLLECTION)
      .findOne({ _id: `${WS}:${agentId}:v2` });
    expect(raw).toEqual({
      _id: agentVersionId(WS, agentId, 2),
      workspaceId: WS,
      agentId,
      version: 2,
      config: { instructions: 'take 2', variables: {} },
      configHash: 'hash-2',
      parentVersion: 1,
      restoredFrom: 1,
      note: 'back',
      publishedBy: { kind: 'local', id: 'owner' },
      publishedAt: new Date(Date.UTC(2026, 0, 1, 12, 2)),
      deletedAt: null,
    });
  });

  test('the list index exists with the declared keys', async () => {
    const indexes = await connection.collection(AGENT_VERSIONS_COLLECTION).indexes();
    expect(indexes.find((index) => index.name === AGENT_VERSIONS_LIST_INDEX)?.key).toEqual({
      workspaceId: 1,
      agentId: 1,
      deletedAt: 1,
      version: -1,
    });
  });

  test('a number held by a racer is skipped: the next append takes the one after it', async () => {
    const store = createMongooseAgentVersionStore(connection);
    const agentId = newAgentId();
    await store.append(WS, agentId, buildVersion(1));
    // What a racing publisher's insert leaves: version 2 stored between our read and our insert
    // looks, to the next append, like the latest.
    await connection.collection<RawVersion>(AGENT_VERSIONS_COLLECTION).insertOne({
      _id: agentVersionId(WS, agentId, 2),
      workspaceId: WS,
      agentId,
      version: 2,
      config: {},
      configHash: 'hash-racer',
      parentVersion: 1,
      restoredFrom: null,
      note: null,
      publishedBy: { kind: 'user', id: 'racer' },
      publishedAt: new Date(),
    });
    const outcome = await store.append(WS, agentId, buildVersion(3));
    expect(outcome).toMatchObject({ status: 'created', version: { version: 3, parentVersion: 2 } });
    // The racer's document has no `deletedAt` (as versions stored before deletes): it is live.
    expect((await store.list(WS, agentId, { limit: 10 })).map((v) => v.version)).toEqual([3, 2, 1]);
  });

  test('every query has a declared index behind it; get and ensureFirst read by exactly { _id }', async () => {
    const monitored = await connectTestDatabase(databaseUri, { monitorCommands: true });
    const recording = recordQueries(monitored);
    const agentId = newAgentId();
    try {
      const store = createMongooseAgentVersionStore(monitored);
      await store.ensureFirst(WS, agentId, buildVersion(1));
      await store.ensureFirst(WS, agentId, buildVersion(1));
      await Promise.all([2, 3, 4].map((n) => store.append(WS, agentId, buildVersion(n))));
      await store.append(WS, agentId, buildVersion(4));
      await store.latest(WS, agentId);
      await store.get(WS, agentId, 2);
      await store.get(OTHER_WS, agentId, 2);
      await store.list(WS, agentId, { limit: 2 });
      await store.list(WS, agentId, { limit: 2, beforeVersion: 3 });
      await store.markDeleted(WS, agentId, 2, new Date());
      await store.unmarkDeleted(WS, agentId, 2);
    } finally {
      recording.stop();
      await monitored.close();
    }
    // The driver sends Mongoose's sort as a Map, which the index check would read as no sort:
    // made a plain object, so the check covers the sort too.
    const plainSort = (sort: unknown) =>
      sort instanceof Map
        ? (Object.fromEntries(sort) as Record<string, number>)
        : (sort as Record<string, number> | undefined);
    const queries = recording.queries.map((query) => ({ ...query, sort: plainSort(query.sort) }));
    const sent = expectEveryQueryIndexed(queries, {
      [AGENT_VERSIONS_COLLECTION]: declaredIndexes(agentVersionMongooseSchema),
    });
    // Reads, and the delete mark set and cleared by `_id`: nothing else writes to a version.
    expect(new Set(sent.map((query) => query.command))).toEqual(new Set(['find', 'update']));
    for (const query of sent) {
      const keys = Object.keys(query.filter).sort();
      if (keys.includes('_id') || query.command === 'update') expect(keys).toEqual(['_id']);
      else expect(query.sort).toEqual({ version: -1 });
    }
    // Both kinds were seen, the page after a version among them.
    expect(sent.filter((query) => Object.hasOwn(query.filter, '_id')).length).toBeGreaterThan(0);
    expect(sent.map((query) => query.filter)).toContainEqual({
      workspaceId: WS,
      agentId,
      deletedAt: null,
      version: { $lt: 3 },
    });
  });

  test('append gives up with BusyError when every number it tries is already taken', async () => {
    const store = createMongooseAgentVersionStore(connection);
    const agentId = newAgentId();
    await store.append(WS, agentId, buildVersion(1));
    // A stored version the list query cannot see (another agentId on the document), holding the
    // number every attempt claims: what an endless stream of winning racers looks like.
    await connection.collection<RawVersion>(AGENT_VERSIONS_COLLECTION).insertOne({
      _id: agentVersionId(WS, agentId, 2),
      workspaceId: WS,
      agentId: 'hidden',
      version: 2,
    });
    const busy = await store.append(WS, agentId, buildVersion(2)).catch((error: unknown) => error);
    expect(busy).toBeInstanceOf(BusyError);
    expect((busy as BusyError).details).toEqual({
      reason: 'publish-busy',
      agentId,
      retryAfterSeconds: 1,
    });
    expect((await store.list(WS, agentId, { limit: 10 })).map((v) => v.version)).toEqual([1]);
  });
});

describe('Mongoose agent version adapter: an unreachable database', () => {
  test('answers ServiceUnavailableError at once while not connected, instead of waiting', async () => {
    const down = mongoose.createConnection('mongodb://127.0.0.1:9/switchboard_down', {
      bufferCommands: false,
      serverSelectionTimeoutMS: 1500,
    });
    down.on('error', () => {});
    const store = createMongooseAgentVersionStore(down);
    const agentId = newAgentId();
    for (const call of [
      () => store.append(WS, agentId, buildVersion(1)),
      () => store.ensureFirst(WS, agentId, buildVersion(1)),
      () => store.latest(WS, agentId),
      () => store.get(WS, agentId, 1),
      () => store.list(WS, agentId, { limit: 5 }),
    ]) {
      await expect(call()).rejects.toBeInstanceOf(ServiceUnavailableError);
    }
    await down.close();
  });
});
