import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dropTestDatabase, testDatabaseUri } from '../../../scripts/testing/services.ts';
import { ServiceUnavailableError } from '../../errors.ts';
import { describeLeaseStoreContract } from '../../ports/lease-store.contract.ts';
import {
  LEASE_CLAIMS_COLLECTION,
  LEASES_COLLECTION,
  leaseClaimMongooseSchema,
  leaseMongooseSchema,
} from './lease.model.ts';
import { createMongooseLeaseStore } from './lease-store.mongoose.ts';

let connection: Connection;

beforeAll(async () => {
  connection = await mongoose
    .createConnection(testDatabaseUri('lease_store'), {
      bufferCommands: false,
      serverSelectionTimeoutMS: 5000,
    })
    .asPromise();
  await createMongooseLeaseStore(connection).ensureIndexes();
});

afterAll(async () => {
  if (connection) await dropTestDatabase(connection);
});

describeLeaseStoreContract('mongoose', async (now) => {
  await connection.collection(LEASES_COLLECTION).deleteMany({});
  await connection.collection(LEASE_CLAIMS_COLLECTION).deleteMany({});
  return createMongooseLeaseStore(connection, { now });
});

describe('Mongoose lease adapter: what is stored', () => {
  test('a lease lives in `leases` with the key as _id: holder, fence, expiresAt; release keeps it, expired', async () => {
    const at = new Date('2026-01-01T12:00:00.000Z');
    const store = createMongooseLeaseStore(connection, { now: () => at });
    await store.acquire('room:stored', 'p1', 15_000);
    const leases = connection.collection<{ _id: string }>(LEASES_COLLECTION);
    expect(await leases.findOne({ _id: 'room:stored' })).toEqual({
      _id: 'room:stored',
      holder: 'p1',
      fence: 1,
      expiresAt: new Date(at.getTime() + 15_000),
    });
    await store.release('room:stored', 'p1');
    expect(await leases.findOne({ _id: 'room:stored' })).toMatchObject({
      fence: 1,
      expiresAt: new Date(0),
    });
  });

  test('a claimer that died before writing the lease does not block the key once its claim expires', async () => {
    let time = Date.UTC(2026, 0, 1, 12, 0, 0);
    const store = createMongooseLeaseStore(connection, { now: () => new Date(time) });
    await store.acquire('room:dead', 'p1', 1000);
    await store.release('room:dead', 'p1');
    // p2 won acquisition 2 and died before step 3.
    const claims = connection.collection<{ _id: string; holder: string; expiresAt: Date }>(
      LEASE_CLAIMS_COLLECTION,
    );
    await claims.insertOne({ _id: 'room:dead#2', holder: 'p2', expiresAt: new Date(time + 1000) });
    expect(await store.acquire('room:dead', 'p3', 1000)).toEqual({ acquired: false });
    time += 1001;
    expect(await store.acquire('room:dead', 'p3', 1000)).toEqual({ acquired: true, fence: 3 });
    expect(await store.acquire('room:dead', 'p4', 1000)).toEqual({ acquired: false });
  });

  test('about one claim per key is kept', async () => {
    const store = createMongooseLeaseStore(connection);
    for (const holder of ['p1', 'p2', 'p3', 'p4']) {
      await store.acquire('room:kept', holder, 1000);
      await store.release('room:kept', holder);
    }
    const claims = connection.collection<{ _id: string }>(LEASE_CLAIMS_COLLECTION);
    expect(
      await claims
        .find({ _id: { $in: ['room:kept#1', 'room:kept#2', 'room:kept#3', 'room:kept#4'] } })
        .toArray(),
    ).toEqual([{ _id: 'room:kept#4', holder: 'p4', expiresAt: expect.any(Date) as unknown }]);
  });

  test('every query on `leases` filters on _id first; no other index is declared', async () => {
    const sent: Record<string, unknown>[] = [];
    const record = (event: { collectionName: string; method: string; params: unknown[] }) => {
      if (![LEASES_COLLECTION, LEASE_CLAIMS_COLLECTION].includes(event.collectionName)) return;
      if (event.method === 'insertOne') return;
      sent.push(event.params[0] as Record<string, unknown>);
    };
    connection.on('operation-start', record);
    try {
      const store = createMongooseLeaseStore(connection);
      await store.acquire('room:shape', 'p1', 1000);
      await store.acquire('room:shape', 'p2', 1000);
      await store.renew('room:shape', 'p1', 1000);
      await store.release('room:shape', 'p1');
    } finally {
      connection.off('operation-start', record);
    }
    expect(sent.length).toBeGreaterThan(4);
    for (const filter of sent) expect(filter._id).toEqual(expect.stringMatching(/^room:shape/));
    expect(leaseMongooseSchema.indexes()).toEqual([]);
    expect(leaseClaimMongooseSchema.indexes()).toEqual([]);
  });
});

describe('Mongoose lease adapter: an unreachable database', () => {
  test('answers ServiceUnavailableError at once while not connected', async () => {
    const down = mongoose.createConnection('mongodb://127.0.0.1:9/switchboard_down', {
      bufferCommands: false,
      serverSelectionTimeoutMS: 1500,
    });
    down.on('error', () => {});
    const store = createMongooseLeaseStore(down);
    await expect(store.acquire('room:x', 'p1', 1000)).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );
    await expect(store.release('room:x', 'p1')).rejects.toBeInstanceOf(ServiceUnavailableError);
    await down.close();
  });
});
