import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dropTestDatabase, testDatabaseUri } from '../../../scripts/testing/services.ts';
import { ServiceUnavailableError } from '../../errors.ts';
import { describeAgentStoreContract } from '../../ports/agent-store.contract.ts';
import { AGENTS_COLLECTION, REVISION_CLAIMS_COLLECTION } from './agent.model.ts';
import { CLAIM_STALE_MS, createMongooseAgentStore, escapeRegex } from './agent-store.mongoose.ts';

let connection: Connection;

beforeAll(async () => {
  connection = await mongoose
    .createConnection(testDatabaseUri('agent_store'), {
      bufferCommands: false,
      serverSelectionTimeoutMS: 5000,
    })
    .asPromise();
  await createMongooseAgentStore(connection).ensureIndexes();
});

afterAll(async () => {
  if (connection) await dropTestDatabase(connection);
});

describeAgentStoreContract('mongoose', async () => {
  await connection.collection(AGENTS_COLLECTION).deleteMany({});
  return createMongooseAgentStore(connection);
});

describe('Mongoose adapter: what is stored', () => {
  test('agents live in the `agents` collection as plain documents with our version, no __v', async () => {
    const store = createMongooseAgentStore(connection);
    const agent = await store.create({ name: 'Raw', description: '', config: { variables: {} } });
    const raw = await connection
      .collection(AGENTS_COLLECTION)
      .findOne({ _id: new mongoose.Types.ObjectId(agent.id) });
    expect(raw).toMatchObject({
      name: 'Raw',
      description: '',
      config: { variables: {} },
      version: 1,
      deletedAt: null,
    });
    expect(raw?.createdAt).toBeInstanceOf(Date);
    expect(raw?.updatedAt).toBeInstanceOf(Date);
    expect(raw).not.toHaveProperty('__v');
  });

  test('a deleted agent is still stored, with deletedAt set', async () => {
    const store = createMongooseAgentStore(connection);
    const agent = await store.create({ name: 'Soon gone', description: '', config: {} });
    await store.softDelete(agent.id, new Date());
    const raw = await connection
      .collection(AGENTS_COLLECTION)
      .findOne({ _id: new mongoose.Types.ObjectId(agent.id) });
    expect(raw?.name).toBe('Soon gone');
    expect(raw?.deletedAt).toBeInstanceOf(Date);
    expect(await store.get(agent.id)).toBeNull();
  });

  test('the index behind list exists', async () => {
    const indexes = await connection.collection(AGENTS_COLLECTION).indexes();
    expect(indexes.map((index) => index.name)).toContain('live_newest_first');
    expect(indexes.find((index) => index.name === 'live_newest_first')?.key).toEqual({
      deletedAt: 1,
      createdAt: -1,
      _id: -1,
    });
  });

  test('a claim left by a crashed writer is taken over once stale; a fresh one means CONFLICT', async () => {
    const store = createMongooseAgentStore(connection);
    const agent = await store.create({ name: 'Claimed', description: '', config: {} });
    const claims = connection.collection<{ _id: string; at: Date }>(REVISION_CLAIMS_COLLECTION);
    await claims.insertOne({ _id: `${agent.id}:2`, at: new Date() });
    expect(await store.update(agent.id, { name: 'blocked' }, 1)).toEqual({
      status: 'conflict',
      currentVersion: 1,
    });
    await claims.updateOne(
      { _id: `${agent.id}:2` },
      { $set: { at: new Date(Date.now() - CLAIM_STALE_MS - 1000) } },
    );
    expect(await store.update(agent.id, { name: 'taken over' }, 1)).toMatchObject({
      status: 'updated',
      agent: { version: 2 },
    });
    expect(await claims.countDocuments({ _id: new RegExp(`^${agent.id}:`) })).toBe(0);
  });

  test('escapeRegex neutralises every pattern character', () => {
    const hostile = String.raw`^a.b*c+d?e(f)g[h]i{j}k|l\m$n/o-p`;
    expect(new RegExp(escapeRegex(hostile)).test(hostile)).toBe(true);
    expect(new RegExp(escapeRegex('.*')).test('anything')).toBe(false);
  });
});

describe('Mongoose adapter: an unreachable database', () => {
  test('answers ServiceUnavailableError at once while not connected, instead of waiting', async () => {
    // Nothing listens on port 9 of the loopback interface (discard, never served here).
    const down = mongoose.createConnection('mongodb://127.0.0.1:9/switchboard_down', {
      bufferCommands: false,
      serverSelectionTimeoutMS: 1500,
    });
    down.on('error', () => {});
    const store = createMongooseAgentStore(down);
    // With bufferCommands off, Mongoose refuses instead of queueing until a connection comes:
    // the cause says so (no timeout was waited for); ping checks the connection state itself.
    const error = await store.list({ limit: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).cause).toMatchObject({
      name: 'MongooseError',
      message: expect.stringMatching(/before initial connection is complete/) as unknown,
    });
    await expect(store.ping()).rejects.toBeInstanceOf(ServiceUnavailableError);
    await down.close();
  });
});
