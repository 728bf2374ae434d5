import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dropTestDatabase, testDatabaseUri } from '../../../scripts/testing/services.ts';
import { ServiceUnavailableError } from '../../errors.ts';
import { describeCallSessionStoreContract } from '../../ports/call-session-store.contract.ts';
import type { NewCallSession } from '../../ports/call-session-store.port.ts';
import { declaredIndexes, servingIndex, type IndexKeys } from '../../testing/index-shape.ts';
import {
  CALL_EVENTS_BY_SESSION_INDEX,
  CALL_EVENTS_COLLECTION,
  CALL_SESSIONS_AWAITING_AGENT_INDEX,
  CALL_SESSIONS_BY_AGENT_INDEX,
  CALL_SESSIONS_BY_PHONE_INDEX,
  CALL_SESSIONS_BY_ROOM_INDEX,
  CALL_SESSIONS_BY_STATUS_INDEX,
  CALL_SESSIONS_BY_TYPE_INDEX,
  CALL_SESSIONS_COLLECTION,
  CALL_SESSIONS_NEWEST_INDEX,
  CALL_SESSIONS_OPEN_INDEX,
  callEventMongooseSchema,
  callSessionMongooseSchema,
} from './call-session.model.ts';
import { createMongooseCallSessionStore } from './call-session-store.mongoose.ts';

const WS = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const AGENT = '64b000000000000000000a0a';

let connection: Connection;

beforeAll(async () => {
  connection = await mongoose
    .createConnection(testDatabaseUri('call_session_store'), {
      bufferCommands: false,
      serverSelectionTimeoutMS: 5000,
    })
    .asPromise();
  await createMongooseCallSessionStore(connection).ensureIndexes();
});

afterAll(async () => {
  if (connection) await dropTestDatabase(connection);
});

describeCallSessionStoreContract('mongoose', async () => {
  await connection.collection(CALL_SESSIONS_COLLECTION).deleteMany({});
  await connection.collection(CALL_EVENTS_COLLECTION).deleteMany({});
  return createMongooseCallSessionStore(connection);
});

const buildSession = (overrides: Partial<NewCallSession> = {}): NewCallSession => ({
  workspaceId: WS,
  type: 'web',
  agentId: AGENT,
  roomName: `stored-${new mongoose.Types.ObjectId().toHexString()}`,
  config: { instructions: 'Hi', nested: {} },
  configHash: 'cd'.repeat(32),
  overrides: null,
  startedBy: 'api-key:k1',
  createdAt: new Date(Date.UTC(2026, 0, 1)),
  ...overrides,
});

describe('Mongoose call session adapter: what is stored', () => {
  test('a call lives in `call_sessions` with an ObjectId, empty objects kept, no __v', async () => {
    const store = createMongooseCallSessionStore(connection);
    const session = await store.create(buildSession());
    const raw = await connection
      .collection(CALL_SESSIONS_COLLECTION)
      .findOne({ _id: new mongoose.Types.ObjectId(session.id) });
    expect(raw).toEqual({
      _id: new mongoose.Types.ObjectId(session.id),
      ...buildSession({ roomName: session.roomName }),
      status: 'started',
      roomSid: null,
      activeAt: null,
      endedAt: null,
      endedReason: null,
      participants: [],
      awaitingAgent: true,
      sip: null,
      phoneNumbers: [],
      dispatchId: null,
      agentVersion: null,
      draft: false,
    });
  });

  test('a second event of one id written around the adapter is refused by the database itself', async () => {
    const events = connection.collection<{ _id: string }>(CALL_EVENTS_COLLECTION);
    await events.insertOne({ _id: 'EV_around' });
    await expect(events.insertOne({ _id: 'EV_around' })).rejects.toMatchObject({ code: 11000 });
  });

  test('the indexes exist with their declared keys; the workspace-facing ones lead with workspaceId', async () => {
    const indexes = await connection.collection(CALL_SESSIONS_COLLECTION).indexes();
    const keysOf = (name: string) => indexes.find((index) => index.name === name)?.key;
    expect(keysOf(CALL_SESSIONS_NEWEST_INDEX)).toEqual({ workspaceId: 1, createdAt: -1, _id: -1 });
    expect(keysOf(CALL_SESSIONS_BY_AGENT_INDEX)).toEqual({
      workspaceId: 1,
      agentId: 1,
      createdAt: -1,
      _id: -1,
    });
    expect(keysOf(CALL_SESSIONS_BY_STATUS_INDEX)).toEqual({
      workspaceId: 1,
      status: 1,
      createdAt: -1,
      _id: -1,
    });
    expect(keysOf(CALL_SESSIONS_BY_TYPE_INDEX)).toEqual({
      workspaceId: 1,
      type: 1,
      createdAt: -1,
      _id: -1,
    });
    expect(keysOf(CALL_SESSIONS_BY_ROOM_INDEX)).toEqual({ roomName: 1, createdAt: -1, _id: -1 });
    expect(keysOf(CALL_SESSIONS_OPEN_INDEX)).toEqual({ status: 1, createdAt: 1 });
    expect(keysOf(CALL_SESSIONS_BY_PHONE_INDEX)).toEqual({
      workspaceId: 1,
      phoneNumbers: 1,
      createdAt: -1,
      _id: -1,
    });
    expect(keysOf(CALL_SESSIONS_AWAITING_AGENT_INDEX)).toEqual({
      awaitingAgent: 1,
      type: 1,
      createdAt: 1,
    });
    const eventIndexes = await connection.collection(CALL_EVENTS_COLLECTION).indexes();
    expect(eventIndexes.find((i) => i.name === CALL_EVENTS_BY_SESSION_INDEX)?.key).toEqual({
      workspaceId: 1,
      sessionId: 1,
    });
  });

  test('every query on calls and events has an index behind it; get filters on exactly { _id }', async () => {
    const sent: {
      collection: string;
      method: string;
      filter: Record<string, unknown>;
      sort?: unknown;
    }[] = [];
    const record = (event: { collectionName: string; method: string; params: unknown[] }) => {
      if (![CALL_SESSIONS_COLLECTION, CALL_EVENTS_COLLECTION].includes(event.collectionName))
        return;
      if (!['find', 'findOne', 'updateOne', 'countDocuments'].includes(event.method)) return;
      const [filter, second] = event.params as [Record<string, unknown>, { sort?: unknown }?];
      sent.push({
        collection: event.collectionName,
        method: event.method,
        filter,
        sort: event.method === 'updateOne' ? undefined : second?.sort,
      });
    };
    connection.on('operation-start', record);
    const store = createMongooseCallSessionStore(connection);
    const session = await store.create(buildSession());
    const since = new Date(0);
    const after = { createdAt: session.createdAt, id: session.id };
    try {
      await store.get(WS, session.id);
      await store.list(WS, { limit: 5 });
      await store.list(WS, { limit: 5, after, from: since, to: new Date() });
      await store.list(WS, { limit: 5, agentId: AGENT, after });
      await store.list(WS, { limit: 5, status: 'active', from: since });
      await store.list(WS, { limit: 5, type: 'web', to: new Date() });
      await store.list(WS, { limit: 5, phoneNumber: '+15550001111', after });
      await store.listAwaitingAgent({ type: 'web', createdBefore: new Date(), limit: 5 });
      await store.saveDispatchId(WS, session.id, 'AD_1');
      await store.latestForRoom(session.roomName);
      await store.listOpen({ createdBefore: new Date(), limit: 5 });
      await store.listEvents(WS, session.id);
      await store.saveLifecycle(WS, session.id, {
        status: 'active',
        roomSid: 'RM_x',
        activeAt: new Date(),
        endedAt: null,
        endedReason: null,
        participants: [],
        awaitingAgent: false,
      });
    } finally {
      connection.off('operation-start', record);
    }
    expect(sent.map((q) => q.method)).toEqual([
      'findOne',
      'find',
      'find',
      'find',
      'find',
      'find',
      'find',
      'find',
      'updateOne',
      'findOne',
      'find',
      'find',
      'find',
      'updateOne',
    ]);
    expect(Object.keys(sent[0]!.filter)).toEqual(['_id']);
    const indexes: Record<string, IndexKeys[]> = {
      [CALL_SESSIONS_COLLECTION]: declaredIndexes(callSessionMongooseSchema),
      [CALL_EVENTS_COLLECTION]: declaredIndexes(callEventMongooseSchema),
    };
    for (const query of sent) {
      const servedBy = servingIndex(query, indexes[query.collection]!);
      expect({ ...query, servedBy }).toEqual({ ...query, servedBy: expect.any(String) as unknown });
    }
    // Each list filter is served by its own index, not merely by the workspace's.
    const [, plain, , byAgent, byStatus, byType, byPhone, awaiting] = sent;
    expect(servingIndex(plain!, indexes[CALL_SESSIONS_COLLECTION]!)).toBe(
      'workspaceId_1_createdAt_-1__id_-1',
    );
    expect(servingIndex(byAgent!, indexes[CALL_SESSIONS_COLLECTION]!)).toContain('agentId_1');
    expect(servingIndex(byStatus!, indexes[CALL_SESSIONS_COLLECTION]!)).toContain('status_1');
    expect(servingIndex(byType!, indexes[CALL_SESSIONS_COLLECTION]!)).toContain('type_1');
    expect(servingIndex(byPhone!, indexes[CALL_SESSIONS_COLLECTION]!)).toContain('phoneNumbers_1');
    expect(servingIndex(awaiting!, indexes[CALL_SESSIONS_COLLECTION]!)).toContain(
      'awaitingAgent_1',
    );
  });
});

describe('Mongoose call session adapter: an unreachable database', () => {
  test('answers ServiceUnavailableError at once while not connected, instead of waiting', async () => {
    const down = mongoose.createConnection('mongodb://127.0.0.1:9/switchboard_down', {
      bufferCommands: false,
      serverSelectionTimeoutMS: 1500,
    });
    down.on('error', () => {});
    const store = createMongooseCallSessionStore(down);
    await expect(store.get(WS, 'aaaaaaaaaaaaaaaaaaaaaaaa')).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );
    await expect(store.create(buildSession())).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(store.ping()).rejects.toBeInstanceOf(ServiceUnavailableError);
    await down.close();
  });
});
