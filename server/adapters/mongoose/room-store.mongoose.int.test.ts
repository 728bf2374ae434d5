import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dropTestDatabase, testDatabaseUri } from '../../../scripts/testing/services.ts';
import { ServiceUnavailableError } from '../../errors.ts';
import { describeRoomStoreContract } from '../../ports/room-store.contract.ts';
import type { RoomRecord } from '../../ports/room-store.port.ts';
import { servingIndex } from '../../testing/index-shape.ts';
import { ROOMS_COLLECTION, ROOMS_RECENT_INDEX, roomMongooseSchema } from './room.model.ts';
import { createMongooseRoomStore } from './room-store.mongoose.ts';

const WS = 'aaaaaaaaaaaaaaaaaaaaaaaa';

let connection: Connection;

beforeAll(async () => {
  connection = await mongoose
    .createConnection(testDatabaseUri('room_store'), {
      bufferCommands: false,
      serverSelectionTimeoutMS: 5000,
    })
    .asPromise();
  await createMongooseRoomStore(connection).ensureIndexes();
});

afterAll(async () => {
  if (connection) await dropTestDatabase(connection);
});

describeRoomStoreContract('mongoose', async () => {
  await connection.collection(ROOMS_COLLECTION).deleteMany({});
  return createMongooseRoomStore(connection);
});

const buildRoom = (overrides: Partial<RoomRecord> = {}): RoomRecord => ({
  name: `stored-${new mongoose.Types.ObjectId().toHexString()}`,
  workspaceId: WS,
  agentId: null,
  startedBy: 'api-key:k1',
  createdAt: new Date(),
  ...overrides,
});

describe('Mongoose room adapter: what is stored', () => {
  test('rooms live in `rooms` with the name as _id, no __v and no updatedAt', async () => {
    const store = createMongooseRoomStore(connection);
    const room = buildRoom({ agentId: '64b000000000000000000a0a' });
    await store.claim(room);
    const raw = await connection
      .collection<{ _id: string }>(ROOMS_COLLECTION)
      .findOne({ _id: room.name });
    expect(raw).toEqual({
      _id: room.name,
      workspaceId: WS,
      agentId: '64b000000000000000000a0a',
      startedBy: 'api-key:k1',
      createdAt: room.createdAt,
    });
  });

  test('a second record of a name written around the adapter is refused by the database itself', async () => {
    const rooms = connection.collection<{ _id: string; workspaceId: string }>(ROOMS_COLLECTION);
    await rooms.insertOne({ _id: 'around-the-adapter', workspaceId: WS });
    await expect(
      rooms.insertOne({ _id: 'around-the-adapter', workspaceId: 'bbbbbbbbbbbbbbbbbbbbbbbb' }),
    ).rejects.toMatchObject({ code: 11000 });
  });

  test('the listRecent index exists; every declared index leads with workspaceId', async () => {
    const indexes = await connection.collection(ROOMS_COLLECTION).indexes();
    expect(indexes.find((index) => index.name === ROOMS_RECENT_INDEX)?.key).toEqual({
      workspaceId: 1,
      createdAt: -1,
    });
    for (const [keys] of roomMongooseSchema.indexes()) {
      expect(Object.keys(keys)[0]).toBe('workspaceId');
    }
  });

  test('every query on `rooms` has an index behind it; get and a taken claim filter on exactly { _id }', async () => {
    const sent: { method: string; filter: Record<string, unknown>; sort?: unknown }[] = [];
    const record = (event: { collectionName: string; method: string; params: unknown[] }) => {
      if (event.collectionName !== ROOMS_COLLECTION) return;
      if (!['find', 'findOne', 'countDocuments'].includes(event.method)) return;
      const [filter, options] = event.params as [Record<string, unknown>, { sort?: unknown }?];
      sent.push({ method: event.method, filter, sort: options?.sort });
    };
    connection.on('operation-start', record);
    try {
      const store = createMongooseRoomStore(connection);
      const room = buildRoom();
      await store.claim(room);
      await store.claim({ ...room, workspaceId: 'bbbbbbbbbbbbbbbbbbbbbbbb' });
      await store.get(WS, room.name);
      await store.listRecent(WS, { since: new Date(0), limit: 5 });
    } finally {
      connection.off('operation-start', record);
    }
    expect(sent.map((q) => q.method)).toEqual(['findOne', 'findOne', 'find']);
    for (const query of sent.filter((q) => q.method === 'findOne')) {
      expect(Object.keys(query.filter)).toEqual(['_id']);
    }
    const indexes = roomMongooseSchema.indexes().map(([keys]) => Object.entries(keys));
    for (const query of sent) {
      expect({ ...query, servedBy: servingIndex(query, indexes) }).toMatchObject({
        servedBy: expect.any(String) as unknown,
      });
    }
  });
});

describe('Mongoose room adapter: an unreachable database', () => {
  test('answers ServiceUnavailableError at once while not connected, instead of waiting', async () => {
    const down = mongoose.createConnection('mongodb://127.0.0.1:9/switchboard_down', {
      bufferCommands: false,
      serverSelectionTimeoutMS: 1500,
    });
    down.on('error', () => {});
    const store = createMongooseRoomStore(down);
    await expect(store.get(WS, 'any')).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(store.claim(buildRoom())).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(store.ping()).rejects.toBeInstanceOf(ServiceUnavailableError);
    await down.close();
  });
});
