import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dropTestDatabase, testDatabaseUri } from '../../../scripts/testing/services.ts';
import { ServiceUnavailableError } from '../../errors.ts';
import { describeDidRouteStoreContract } from '../../ports/did-route-store.contract.ts';
import type { RouteSyncRecord } from '../../ports/did-route-store.port.ts';
import { DID_ROUTES_COLLECTION } from './did-route.model.ts';
import { createMongooseDidRouteStore } from './did-route-store.mongoose.ts';

const AGENT = '64b000000000000000000a0a';
const WS = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const PENDING: RouteSyncRecord = { state: 'pending', ruleId: null, error: null, syncedAt: null };

let connection: Connection;

beforeAll(async () => {
  connection = await mongoose
    .createConnection(testDatabaseUri('did_route_store'), {
      bufferCommands: false,
      serverSelectionTimeoutMS: 5000,
    })
    .asPromise();
  await createMongooseDidRouteStore(connection).ensureIndexes();
});

afterAll(async () => {
  if (connection) await dropTestDatabase(connection);
});

describeDidRouteStoreContract('mongoose', async () => {
  await connection.collection(DID_ROUTES_COLLECTION).deleteMany({});
  return createMongooseDidRouteStore(connection);
});

describe('Mongoose route adapter: what is stored', () => {
  const rawById = (id: string) =>
    connection.collection(DID_ROUTES_COLLECTION).findOne({ _id: new mongoose.Types.ObjectId(id) });

  test('routes live in `telephony_did_routes`: the agent as an ObjectId, liveKey = DID, no __v', async () => {
    const store = createMongooseDidRouteStore(connection);
    const outcome = await store.create(WS, {
      did: '+15550001001',
      agentId: AGENT,
      agentVersion: null,
      label: null,
      sync: PENDING,
    });
    if (outcome.status !== 'created') throw new Error(outcome.status);
    const raw = await rawById(outcome.route.id);
    expect(raw).toMatchObject({
      did: '+15550001001',
      liveKey: '+15550001001',
      agentVersion: null,
      label: null,
      sync: { state: 'pending', ruleId: null, error: null, syncedAt: null },
      revision: 1,
      deletedAt: null,
    });
    expect(raw?.agentId).toBeInstanceOf(mongoose.Types.ObjectId);
    expect(String(raw?.agentId)).toBe(AGENT);
    expect(raw?.createdAt).toBeInstanceOf(Date);
    expect(raw).not.toHaveProperty('__v');
  });

  test('a deleted route is still stored, with deletedAt and the freed key <did>~<id>', async () => {
    const store = createMongooseDidRouteStore(connection);
    const outcome = await store.create(WS, {
      did: '+15550001002',
      agentId: AGENT,
      agentVersion: 2,
      label: 'x',
      sync: PENDING,
    });
    if (outcome.status !== 'created') throw new Error(outcome.status);
    const { id } = outcome.route;
    await store.softDelete(WS, id, new Date(), PENDING);
    const raw = await rawById(id);
    expect(raw).toMatchObject({ did: '+15550001002', liveKey: `+15550001002~${id}`, label: 'x' });
    expect(raw?.deletedAt).toBeInstanceOf(Date);
    expect(await store.get(WS, id)).toBeNull();
  });

  test('the unique index behind "one live route per DID" and the list indexes exist', async () => {
    const indexes = await connection.collection(DID_ROUTES_COLLECTION).indexes();
    const byName = new Map(indexes.map((index) => [index.name, index]));
    expect(byName.get('one_live_route_per_did')).toMatchObject({
      key: { liveKey: 1 },
      unique: true,
    });
    expect(byName.get('workspace_live_by_did')?.key).toEqual({
      workspaceId: 1,
      deletedAt: 1,
      did: 1,
    });
    expect(byName.get('workspace_live_by_agent')?.key).toEqual({
      workspaceId: 1,
      agentId: 1,
      deletedAt: 1,
      did: 1,
    });
    // The SIP reconcile's listing across workspaces.
    expect(byName.get('live_by_did')?.key).toEqual({ deletedAt: 1, did: 1 });
    expect(byName.has('live_by_agent')).toBe(false);
  });

  test('routes stored before workspaces (no workspaceId) are adopted once, and then listed', async () => {
    const routes = connection.collection(DID_ROUTES_COLLECTION);
    const at = new Date();
    const { insertedId } = await routes.insertOne({
      did: '+15550001077',
      liveKey: '+15550001077',
      agentId: new mongoose.Types.ObjectId(AGENT),
      label: null,
      sync: PENDING,
      revision: 2,
      deletedAt: null,
      createdAt: at,
      updatedAt: at,
    });
    const store = createMongooseDidRouteStore(connection);
    const adopter = 'cccccccccccccccccccccccc';
    expect(await store.findByDid(adopter, '+15550001077')).toBeNull();
    expect(await store.adoptUnowned(adopter)).toBe(1);
    expect(await store.adoptUnowned(adopter)).toBe(0);
    expect((await store.list(adopter, { limit: 5 })).map((route) => route.id)).toEqual([
      insertedId.toHexString(),
    ]);
    expect(await store.get(adopter, insertedId.toHexString())).toMatchObject({
      workspaceId: adopter,
      did: '+15550001077',
      revision: 2,
      // Written before versions: it follows "published".
      agentVersion: null,
    });
  });

  test('a duplicate live DID written around the adapter is refused by the database itself', async () => {
    const routes = connection.collection(DID_ROUTES_COLLECTION);
    const doc = {
      did: '+15550001003',
      liveKey: '+15550001003',
      agentId: new mongoose.Types.ObjectId(AGENT),
    };
    await routes.insertOne({ ...doc });
    await expect(routes.insertOne({ ...doc })).rejects.toMatchObject({ code: 11000 });
  });
});

describe('Mongoose route adapter: an unreachable database', () => {
  test('answers ServiceUnavailableError at once while not connected, instead of waiting', async () => {
    const down = mongoose.createConnection('mongodb://127.0.0.1:9/switchboard_down', {
      bufferCommands: false,
      serverSelectionTimeoutMS: 1500,
    });
    down.on('error', () => {});
    const store = createMongooseDidRouteStore(down);
    // With bufferCommands off, Mongoose refuses instead of queueing until a connection comes:
    // the cause says so (no timeout was waited for); ping checks the connection state itself.
    const error = await store.findByDid(WS, '+15550001004').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).cause).toMatchObject({
      name: 'MongooseError',
      message: expect.stringMatching(/before initial connection is complete/) as unknown,
    });
    await expect(store.ping()).rejects.toBeInstanceOf(ServiceUnavailableError);
    await down.close();
  });
});
