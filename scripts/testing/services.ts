// Helpers for test files, on top of what scripts/testing/global-setup.ts provides.

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import { inject } from 'vitest';
import type { TestLiveKitSettings } from './global-setup.ts';

const TEST_DB_PREFIX = 't_';
const TEST_DB_NAME = /^t_[a-z0-9_]*_[0-9a-f]{8}$/;

/** The MongoDB URI from the global setup (throws if this project did not ask for 'mongo'). */
export function testMongoUri(): string {
  const uri = inject('mongoUri');
  if (!uri)
    throw new Error(
      "no mongoUri: add 'mongo' to this project's testServices (see scripts/testing/global-setup.ts)",
    );
  return uri;
}

/**
 * A URI for a database of this test file's own: `t_<name>_<random>`, so files (and reruns) never share
 * data. `name` is a short label or the file itself (`import.meta.url` or a path: its base name is used).
 * Names are `[a-z0-9_]`, at most 51 characters: valid for MongoDB and for FerretDB (≤ 63, [A-Za-z0-9_-]).
 */
export function testDatabaseUri(name: string): string {
  return withDatabase(testMongoUri(), testDatabaseName(name));
}

export function testDatabaseName(name: string): string {
  const base = /[/\\]|^file:/.test(name) ? path.basename(name.replace(/^file:\/\//, '')) : name;
  const label =
    base
      .replace(/\..*$/, '') // "agents.int.test.ts" → "agents"
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 40) || 'db';
  return `${TEST_DB_PREFIX}${label}_${randomBytes(4).toString('hex')}`;
}

/**
 * A connection as the app makes one (no buffering, a short server selection), to a database from
 * testDatabaseUri; `monitorCommands` to watch what is sent (`getClient().on('commandStarted')`).
 */
export function connectTestDatabase(
  uri: string,
  options: { monitorCommands?: boolean } = {},
): Promise<Connection> {
  return mongoose
    .createConnection(uri, { bufferCommands: false, serverSelectionTimeoutMS: 5000, ...options })
    .asPromise();
}

/**
 * Drops the connection's database and closes the connection (for afterAll). Refuses to drop anything
 * not named by testDatabaseName, so a mix-up cannot wipe a real database.
 */
export async function dropTestDatabase(connection: {
  name: string;
  dropDatabase(): Promise<unknown>;
  close(force?: boolean): Promise<unknown>;
}): Promise<void> {
  if (!TEST_DB_NAME.test(connection.name)) {
    await connection.close();
    throw new Error(
      `refusing to drop database "${connection.name}": not a test database (t_<name>_<hex>)`,
    );
  }
  try {
    await connection.dropDatabase();
  } finally {
    await connection.close();
  }
}

export interface TestLiveKit extends TestLiveKitSettings {
  /** The same server over http(s), for server SDK clients and plain fetches. */
  httpUrl: string;
}

/** The LiveKit server from the global setup (throws if this project did not ask for 'livekit'). */
export function testLiveKit(): TestLiveKit {
  const livekit = inject('livekit');
  if (!livekit)
    throw new Error(
      "no livekit: add 'livekit' to this project's testServices (see scripts/testing/global-setup.ts)",
    );
  return { ...livekit, httpUrl: livekit.url.replace(/^ws(s?):\/\//, 'http$1://') };
}

/** `host:port` of the Redis from the global setup (throws if this project did not ask for 'redis'). */
export function testRedisAddress(): string {
  const address = inject('redisAddress');
  if (!address)
    throw new Error(
      "no redisAddress: add 'redis' to this project's testServices (see scripts/testing/global-setup.ts)",
    );
  return address;
}

/**
 * Puts `database` into a MongoDB URI, keeping hosts and options. Handles several hosts and
 * mongodb+srv. If the URI had credentials and a database but no authSource, that database stays the
 * authSource (which is what it was implicitly).
 */
export function withDatabase(uri: string, database: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/)([^/?]*)(\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!match) throw new Error(`not a MongoDB URI: ${uri}`);
  const [, scheme = '', hosts = '', pathPart = '', queryPart = ''] = match;
  const previousDb = decodeURIComponent(pathPart.replace(/^\//, ''));
  const params = new URLSearchParams(queryPart.replace(/^\?/, ''));
  if (hosts.includes('@') && previousDb && !params.has('authSource'))
    params.set('authSource', previousDb);
  const query = params.toString();
  return `${scheme}${hosts}/${database}${query ? `?${query}` : ''}`;
}

/**
 * Has the test LiveKit's webhooks forwarded to `url` (a server of this test on 127.0.0.1) until
 * the returned function is called. Every registered server gets every webhook: each ignores the
 * rooms it did not start. Throws for a LiveKit from TEST_LIVEKIT_URL (its webhooks are not ours).
 */
export async function registerWebhookTarget(url: string): Promise<() => Promise<void>> {
  const { webhookTargetsUrl } = testLiveKit();
  if (!webhookTargetsUrl) {
    throw new Error(
      'this LiveKit came from TEST_LIVEKIT_URL: its webhooks cannot be routed to test servers',
    );
  }
  const change = async (method: 'POST' | 'DELETE') => {
    const response = await fetch(webhookTargetsUrl, { method, body: url });
    if (response.status !== 204) {
      throw new Error(`webhook relay answered ${response.status}: ${await response.text()}`);
    }
  };
  await change('POST');
  return () => change('DELETE');
}
