import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  connectTestDatabase,
  dropTestDatabase,
  testDatabaseUri,
} from '../../../scripts/testing/services.ts';
import { ServiceUnavailableError } from '../../errors.ts';
import { describeApiKeyStoreContract } from '../../ports/api-key-store.contract.ts';
import type { NewApiKeyRecord } from '../../ports/api-key-store.port.ts';
import {
  declaredIndexes,
  expectEveryQueryIndexed,
  recordQueries,
} from '../../testing/index-shape.ts';
import {
  API_KEY_HASH_INDEX,
  API_KEY_REVOCATIONS_COLLECTION,
  API_KEYS_COLLECTION,
  API_KEYS_LIST_INDEX,
  apiKeyMongooseSchema,
} from './api-key.model.ts';
import { createMongooseApiKeyStore } from './api-key-store.mongoose.ts';

const WS = 'aaaaaaaaaaaaaaaaaaaaaaaa';

let connection: Connection;
let databaseUri: string;

beforeAll(async () => {
  databaseUri = testDatabaseUri('api_key_store');
  connection = await connectTestDatabase(databaseUri);
  await createMongooseApiKeyStore(connection).ensureIndexes();
});

afterAll(async () => {
  if (connection) await dropTestDatabase(connection);
});

const emptied = async (conn: Connection) => {
  await conn.collection(API_KEYS_COLLECTION).deleteMany({});
  await conn.collection(API_KEY_REVOCATIONS_COLLECTION).deleteMany({});
  return createMongooseApiKeyStore(conn);
};

describeApiKeyStoreContract('mongoose', () => emptied(connection));

const buildKey = (hash: string): NewApiKeyRecord => ({
  workspaceId: WS,
  kind: 'secret',
  name: 'CI',
  hash,
  start: 'sk_live_abc',
  scopes: ['agents:read'],
  origins: [],
  agentIds: null,
  createdBy: 'admin-cli',
});

describe('Mongoose API-key adapter: what is stored', () => {
  const rawById = (id: string) =>
    connection.collection(API_KEYS_COLLECTION).findOne({ _id: new mongoose.Types.ObjectId(id) });

  test('keys live in `api_keys`: the hash, never the key; agentIds null stays null; no __v', async () => {
    const store = await emptied(connection);
    const key = await store.create(buildKey('a'.repeat(64)));
    const raw = await rawById(key.id);
    expect(raw).toMatchObject({
      workspaceId: WS,
      hash: 'a'.repeat(64),
      scopes: ['agents:read'],
      origins: [],
      agentIds: null,
      lastUsedAt: null,
      revokedAt: null,
      createdAt: expect.any(Date) as unknown,
    });
    expect(raw).not.toHaveProperty('__v');
    expect(raw).not.toHaveProperty('updatedAt');
  });

  test('the indexes exist as declared', async () => {
    const indexes = new Map(
      (await connection.collection(API_KEYS_COLLECTION).indexes()).map((i) => [i.name, i]),
    );
    expect(indexes.get(API_KEY_HASH_INDEX)).toMatchObject({ key: { hash: 1 }, unique: true });
    expect(indexes.get(API_KEYS_LIST_INDEX)?.key).toEqual({
      workspaceId: 1,
      createdAt: -1,
      _id: -1,
    });
  });

  test('a key whose revoker died after its claim is marked by the next revoke, which is null', async () => {
    const store = await emptied(connection);
    const key = await store.create(buildKey('b'.repeat(64)));
    const at = new Date('2026-04-05T06:07:08.901Z');
    await connection
      .collection<{ _id: string; how: string; at: Date }>(API_KEY_REVOCATIONS_COLLECTION)
      .insertOne({ _id: key.id, how: 'revoked', at });
    expect(await store.revoke(WS, key.id, new Date())).toBeNull();
    expect(await store.findByHash(key.hash)).toEqual({ ...key, revokedAt: at });
  });

  test('touch restores a revocation that a concurrent whole-document write undid', async () => {
    // FerretDB v1 rewrites whole documents: a touch that read the key before its revocation was
    // written can write it back unrevoked. Here that lost write is made by hand.
    const store = await emptied(connection);
    const key = await store.create(buildKey('c'.repeat(64)));
    const revoked = await store.revoke(WS, key.id, new Date('2026-04-05T06:07:08.901Z'));
    await connection
      .collection(API_KEYS_COLLECTION)
      .updateOne({ _id: new mongoose.Types.ObjectId(key.id) }, { $set: { revokedAt: null } });
    const usedAt = new Date('2026-04-05T07:00:00.000Z');
    await store.touch(key.id, usedAt);
    expect(await store.findByHash(key.hash)).toEqual({ ...revoked, lastUsedAt: usedAt });
  });

  test('touches racing a revoke never leave the key unrevoked', async () => {
    const store = await emptied(connection);
    const key = await store.create(buildKey('d'.repeat(64)));
    const at = new Date('2026-04-05T06:07:08.901Z');
    const touches = Array.from({ length: 8 }, (_, i) =>
      store.touch(key.id, new Date(Date.UTC(2026, 3, 5, 7, 0, i))),
    );
    const [outcome] = await Promise.all([store.revoke(WS, key.id, at), ...touches]);
    expect(outcome).toMatchObject({ revokedAt: at });
    expect((await store.findByHash(key.hash))?.revokedAt).toEqual(at);
  });

  test('every query has a declared index behind it; by id it filters on exactly { _id }', async () => {
    const monitored = await connectTestDatabase(databaseUri, { monitorCommands: true });
    const recording = recordQueries(monitored);
    try {
      const store = await emptied(monitored);
      recording.queries.length = 0;
      const key = await store.create(buildKey('e'.repeat(64)));
      await store.create(buildKey('e'.repeat(64))).catch(() => undefined);
      await store.findByHash(key.hash);
      await store.list(WS, 10);
      await store.touch(key.id, new Date());
      await store.revoke(WS, key.id, new Date());
      await store.revoke(WS, key.id, new Date());
      const raced = await store.create(buildKey('f'.repeat(64)));
      await Promise.all([
        store.revoke(WS, raced.id, new Date()),
        store.revoke(WS, raced.id, new Date()),
      ]);
      await store.touch(raced.id, new Date());
    } finally {
      recording.stop();
      await monitored.close();
    }

    const sent = expectEveryQueryIndexed(recording.queries, {
      [API_KEYS_COLLECTION]: declaredIndexes(apiKeyMongooseSchema),
      [API_KEY_REVOCATIONS_COLLECTION]: [],
    });
    expect(new Set(sent.map((query) => query.command))).toEqual(
      new Set(['find', 'findAndModify', 'update']),
    );
    const byId = sent.filter((query) => Object.hasOwn(query.filter, '_id'));
    expect(byId.length).toBeGreaterThan(0);
    for (const query of byId) expect(Object.keys(query.filter)).toEqual(['_id']);
  });
});

describe('Mongoose API-key adapter: an unreachable database', () => {
  test('answers ServiceUnavailableError at once while not connected, instead of waiting', async () => {
    const down = mongoose.createConnection('mongodb://127.0.0.1:9/switchboard_down', {
      bufferCommands: false,
      serverSelectionTimeoutMS: 1500,
    });
    down.on('error', () => {});
    const store = createMongooseApiKeyStore(down);
    await expect(store.findByHash('a'.repeat(64))).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(store.touch('aaaaaaaaaaaaaaaaaaaaaaaa', new Date())).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );
    await expect(store.ping()).rejects.toBeInstanceOf(ServiceUnavailableError);
    await down.close();
  });
});
