import mongoose, { type Connection, type mongo } from 'mongoose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dropTestDatabase, testDatabaseUri } from '../../../scripts/testing/services.ts';
import { ServiceUnavailableError } from '../../errors.ts';
import { describeAgentStoreContract } from '../../ports/agent-store.contract.ts';
import { AGENTS_COLLECTION, REVISION_CLAIMS_COLLECTION } from './agent.model.ts';
import { CLAIM_STALE_MS, createMongooseAgentStore, escapeRegex } from './agent-store.mongoose.ts';

let connection: Connection;
let databaseUri: string;

beforeAll(async () => {
  databaseUri = testDatabaseUri('agent_store');
  connection = await mongoose
    .createConnection(databaseUri, {
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

  test('namesByIds is one find on `_id: { $in }` (each id once), projecting only the name', async () => {
    const monitored = await mongoose
      .createConnection(databaseUri, {
        bufferCommands: false,
        serverSelectionTimeoutMS: 5000,
        monitorCommands: true,
      })
      .asPromise();
    try {
      const store = createMongooseAgentStore(monitored);
      const a = await store.create({ name: 'A', description: '', config: {} });
      const b = await store.create({ name: 'B', description: '', config: {} });
      await store.softDelete(b.id, new Date());
      const commands: mongo.CommandStartedEvent[] = [];
      monitored.getClient().on('commandStarted', (event) => commands.push(event));
      const names = await store.namesByIds([a.id, b.id, a.id]);
      expect(names).toEqual(
        new Map([
          [a.id, 'A'],
          [b.id, 'B'],
        ]),
      );
      expect(commands.map((event) => event.commandName)).toEqual(['find']);
      expect(commands[0]?.command).toMatchObject({
        find: AGENTS_COLLECTION,
        filter: { _id: { $in: [a.id, b.id].map((id) => new mongoose.Types.ObjectId(id)) } },
        projection: { name: 1 },
      });
    } finally {
      await monitored.close();
    }
  });

  test('escapeRegex neutralises every pattern character', () => {
    const hostile = String.raw`^a.b*c+d?e(f)g[h]i{j}k|l\m$n/o-p`;
    expect(new RegExp(escapeRegex(hostile)).test(hostile)).toBe(true);
    expect(new RegExp(escapeRegex('.*')).test('anything')).toBe(false);
  });
});

describe('Mongoose adapter: an unreachable database', () => {
  test('answers ServiceUnavailableError within a few seconds instead of hanging', async () => {
    // Nothing listens on port 9 of the loopback interface (discard, never served here).
    const down = mongoose.createConnection('mongodb://127.0.0.1:9/switchboard_down', {
      bufferCommands: false,
      serverSelectionTimeoutMS: 1500,
    });
    down.on('error', () => {});
    const store = createMongooseAgentStore(down);
    const started = Date.now();
    await expect(store.list({ limit: 5 })).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(store.ping()).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(Date.now() - started).toBeLessThan(10_000);
    await down.close();
  });
});
