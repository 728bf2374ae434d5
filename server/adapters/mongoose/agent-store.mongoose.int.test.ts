import mongoose, { type Connection, type mongo } from 'mongoose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dropTestDatabase, testDatabaseUri } from '../../../scripts/testing/services.ts';
import { ServiceUnavailableError } from '../../errors.ts';
import { describeAgentStoreContract } from '../../ports/agent-store.contract.ts';
import { servingIndex } from '../../testing/indexes.ts';
import {
  AGENTS_COLLECTION,
  agentMongooseSchema,
  REVISION_CLAIMS_COLLECTION,
} from './agent.model.ts';
import { CLAIM_STALE_MS, createMongooseAgentStore, escapeRegex } from './agent-store.mongoose.ts';

const WS = 'aaaaaaaaaaaaaaaaaaaaaaaa';

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
    const agent = await store.create(WS, {
      name: 'Raw',
      description: '',
      config: { variables: {} },
    });
    const raw = await connection
      .collection(AGENTS_COLLECTION)
      .findOne({ _id: new mongoose.Types.ObjectId(agent.id) });
    expect(raw).toMatchObject({
      workspaceId: WS,
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
    const agent = await store.create(WS, { name: 'Soon gone', description: '', config: {} });
    await store.softDelete(WS, agent.id, new Date());
    const raw = await connection
      .collection(AGENTS_COLLECTION)
      .findOne({ _id: new mongoose.Types.ObjectId(agent.id) });
    expect(raw?.name).toBe('Soon gone');
    expect(raw?.deletedAt).toBeInstanceOf(Date);
    expect(await store.get(WS, agent.id)).toBeNull();
  });

  test('the index behind list exists and leads with the workspace; the old one is dropped', async () => {
    const indexes = await connection.collection(AGENTS_COLLECTION).indexes();
    expect(indexes.find((index) => index.name === 'workspace_live_newest_first')?.key).toEqual({
      workspaceId: 1,
      deletedAt: 1,
      createdAt: -1,
      _id: -1,
    });
    expect(indexes.map((index) => index.name)).not.toContain('live_newest_first');
  });

  test('every declared index leads with workspaceId', () => {
    for (const [keys] of agentMongooseSchema.indexes()) {
      expect(Object.keys(keys)[0]).toBe('workspaceId');
    }
  });

  test('agents stored before workspaces (no workspaceId) are adopted once, and then listed', async () => {
    const raw = connection.collection(AGENTS_COLLECTION);
    const at = new Date();
    const { insertedId } = await raw.insertOne({
      name: 'From the old days',
      description: '',
      config: {},
      version: 3,
      deletedAt: null,
      createdAt: at,
      updatedAt: at,
    });
    const store = createMongooseAgentStore(connection);
    const adopter = 'cccccccccccccccccccccccc';
    expect(await store.get(adopter, insertedId.toHexString())).toBeNull();
    expect(await store.adoptUnowned(adopter)).toBe(1);
    expect(await store.adoptUnowned(adopter)).toBe(0);
    expect(await store.get(adopter, insertedId.toHexString())).toMatchObject({
      workspaceId: adopter,
      name: 'From the old days',
      version: 3,
      updatedAt: at,
    });
    expect((await store.list(adopter, { limit: 5 })).map((a) => a.id)).toEqual([
      insertedId.toHexString(),
    ]);
  });

  test('every query on `agents` has a declared index behind it; get filters on exactly { _id }', async () => {
    const sent: { method: string; filter: Record<string, unknown>; sort?: unknown }[] = [];
    const record = (event: { collectionName: string; method: string; params: unknown[] }) => {
      if (event.collectionName !== AGENTS_COLLECTION) return;
      const [filter, second, third] = event.params as [Record<string, unknown>, unknown, unknown];
      if (
        !['find', 'findOne', 'findOneAndUpdate', 'updateOne', 'countDocuments'].includes(
          event.method,
        )
      )
        return;
      const options = (event.method === 'findOneAndUpdate' ? third : second) as
        { sort?: unknown } | undefined;
      sent.push({ method: event.method, filter, sort: options?.sort });
    };
    connection.on('operation-start', record);
    try {
      const store = createMongooseAgentStore(connection);
      const a = await store.create(WS, { name: 'Indexed A', description: '', config: {} });
      const b = await store.create(WS, { name: 'Indexed B', description: '', config: {} });
      await store.get(WS, a.id);
      const page = await store.list(WS, { limit: 1 });
      await store.list(WS, { limit: 1, after: { id: page[0]!.id, createdAt: page[0]!.createdAt } });
      await store.list(WS, { limit: 5, nameContains: 'indexed' });
      await store.update(WS, a.id, { name: 'Indexed A2' }, 1);
      await store.update(WS, a.id, { name: 'Indexed A3' });
      await store.softDelete(WS, b.id, new Date());
    } finally {
      connection.off('operation-start', record);
    }

    expect(sent.filter((q) => q.method === 'findOne')[0]?.filter).toEqual({
      _id: expect.any(mongoose.Types.ObjectId) as unknown,
    });
    expect(sent.map((q) => q.method)).toEqual(
      expect.arrayContaining(['find', 'findOne', 'findOneAndUpdate']),
    );
    const indexes = agentMongooseSchema.indexes().map(([keys]) => Object.entries(keys));
    for (const query of sent) {
      expect({ ...query, servedBy: servingIndex(query, indexes) }).toMatchObject({
        servedBy: expect.any(String) as unknown,
      });
    }
  });

  test('a claim left by a crashed writer is taken over once stale; a fresh one means CONFLICT', async () => {
    const store = createMongooseAgentStore(connection);
    const agent = await store.create(WS, { name: 'Claimed', description: '', config: {} });
    const claims = connection.collection<{ _id: string; at: Date }>(REVISION_CLAIMS_COLLECTION);
    await claims.insertOne({ _id: `${agent.id}:2`, at: new Date() });
    expect(await store.update(WS, agent.id, { name: 'blocked' }, 1)).toEqual({
      status: 'conflict',
      currentVersion: 1,
    });
    await claims.updateOne(
      { _id: `${agent.id}:2` },
      { $set: { at: new Date(Date.now() - CLAIM_STALE_MS - 1000) } },
    );
    expect(await store.update(WS, agent.id, { name: 'taken over' }, 1)).toMatchObject({
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
      const a = await store.create(WS, { name: 'A', description: '', config: {} });
      const b = await store.create(WS, { name: 'B', description: '', config: {} });
      await store.softDelete(WS, b.id, new Date());
      const commands: mongo.CommandStartedEvent[] = [];
      monitored.getClient().on('commandStarted', (event) => commands.push(event));
      const names = await store.namesByIds(WS, [a.id, b.id, a.id]);
      expect(names).toEqual(
        new Map([
          [a.id, 'A'],
          [b.id, 'B'],
        ]),
      );
      expect(commands.map((event) => event.commandName)).toEqual(['find']);
      expect(commands[0]?.command).toMatchObject({
        find: AGENTS_COLLECTION,
        filter: {
          _id: { $in: [a.id, b.id].map((id) => new mongoose.Types.ObjectId(id)) },
          workspaceId: WS,
        },
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
    const error = await store.list(WS, { limit: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).cause).toMatchObject({
      name: 'MongooseError',
      message: expect.stringMatching(/before initial connection is complete/) as unknown,
    });
    await expect(store.ping()).rejects.toBeInstanceOf(ServiceUnavailableError);
    await down.close();
  });
});
