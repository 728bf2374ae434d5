// Vitest globalSetup: real services for the tests, never mocks, never skipped.
//
// - MongoDB: $TEST_MONGODB_URI if set (a real MongoDB works the same), else a fresh FerretDB on a free
//   loopback port with a temp data dir.
// - LiveKit: $TEST_LIVEKIT_URL + $TEST_LIVEKIT_API_KEY + $TEST_LIVEKIT_API_SECRET if set, else a fresh
//   LiveKit server on free loopback ports with random keys.
// - Redis (opt-in, for LiveKit's SIP API): $TEST_REDIS_ADDRESS (host:port) if set, else a fresh
//   redis-server; a LiveKit started here is then pointed at it.
//
// Which services a project gets: its `provide: { testServices: [...] }` (default: mongo and livekit).
// Projects of one run share the instances (reference-counted), so listing this file in several projects
// starts each service once. Any failure throws: the run fails loudly.

import mongoose from 'mongoose';
import type { TestProject } from 'vitest/node';
import { startFerretDB, startLiveKit, startRedis } from '../lib/processes.ts';
import { startWebhookRelay } from './webhook-relay.ts';

export type TestServiceName = 'mongo' | 'livekit' | 'redis';

export interface TestLiveKitSettings {
  /** ws:// or wss:// */
  url: string;
  apiKey: string;
  apiSecret: string;
  /**
   * Where a test registers its server's webhook URL to receive this LiveKit's webhooks
   * (`registerWebhookTarget` in services.ts). Null for a LiveKit from TEST_LIVEKIT_URL, whose
   * webhooks this setup cannot configure.
   */
  webhookTargetsUrl: string | null;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** A MongoDB URI; its database part (if any) is replaced by scripts/testing/services.ts testDatabaseUri(). */
    mongoUri: string;
    livekit: TestLiveKitSettings;
    /** `host:port` of a Redis, when the project asked for 'redis'. */
    redisAddress: string;
    /** Set in a project's config (`provide: { testServices: ['mongo'] }`) to choose what to start. */
    testServices: TestServiceName[];
  }
}

const DEFAULT_SERVICES: readonly TestServiceName[] = ['mongo', 'livekit'];

/** Starts what the project's `testServices` asks for (default: mongo and livekit). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const requested = project.getProvidedContext().testServices ?? DEFAULT_SERVICES;
  const unknown = requested.filter((s) => !['mongo', 'livekit', 'redis'].includes(s));
  if (unknown.length)
    throw new Error(`unknown testServices ${JSON.stringify(unknown)}: use mongo, livekit, redis`);

  const teardowns: Array<() => Promise<void>> = [];
  const teardown = async (): Promise<void> => {
    const errors: unknown[] = [];
    for (const fn of teardowns.reverse()) await fn().catch((error: unknown) => errors.push(error));
    if (errors.length) throw errors[0];
  };
  try {
    // Redis first: a LiveKit started here is pointed at it.
    if (requested.includes('redis')) teardowns.push(await setupRedis(project));
    const tasks: Array<Promise<() => Promise<void>>> = [];
    if (requested.includes('mongo')) tasks.push(setupMongo(project));
    if (requested.includes('livekit'))
      tasks.push(setupLiveKit(project, { redis: requested.includes('redis') }));
    const results = await Promise.allSettled(tasks);
    for (const result of results) if (result.status === 'fulfilled') teardowns.push(result.value);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (error) {
    await teardown().catch(() => undefined);
    throw error;
  }
  return teardown;
}

/** Provides `mongoUri`. Returns the teardown. */
export async function setupMongo(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.TEST_MONGODB_URI;
  const { value, release } = await acquire('mongo', async () => {
    if (external) {
      await assertMongoAnswers(external, 'TEST_MONGODB_URI');
      announce(`MongoDB: ${redactUri(external)} (from TEST_MONGODB_URI)`);
      return { value: external, stop: async () => undefined };
    }
    const db = await startFerretDB();
    announce(
      `MongoDB: FerretDB at ${db.uri} (pid ${db.pid}, ready in ${db.startedInMs} ms, data in ${db.dataDir})`,
    );
    return { value: db.uri, stop: () => db.stop() };
  });
  project.provide('mongoUri', value);
  return release;
}

/** Provides `livekit`; with `redis: true`, a LiveKit started here uses the Redis from setupRedis. */
export async function setupLiveKit(
  project: TestProject,
  options: { redis?: boolean } = {},
): Promise<() => Promise<void>> {
  const url = process.env.TEST_LIVEKIT_URL;
  const apiKey = process.env.TEST_LIVEKIT_API_KEY;
  const apiSecret = process.env.TEST_LIVEKIT_API_SECRET;
  const redisAddress = options.redis ? project.getProvidedContext().redisAddress : undefined;
  if (options.redis && !redisAddress)
    throw new Error('setupLiveKit({ redis: true }) needs setupRedis to run first');

  const { value, release } = await acquire<TestLiveKitSettings>(
    options.redis ? 'livekit+redis' : 'livekit',
    async () => {
      if (url || apiKey || apiSecret) {
        if (!url || !apiKey || !apiSecret) {
          throw new Error(
            'set all of TEST_LIVEKIT_URL, TEST_LIVEKIT_API_KEY and TEST_LIVEKIT_API_SECRET, or none',
          );
        }
        await assertLiveKitAnswers(url);
        announce(`LiveKit: ${url} (from TEST_LIVEKIT_URL)`);
        return {
          value: { url, apiKey, apiSecret, webhookTargetsUrl: null },
          stop: async () => undefined,
        };
      }
      const relay = await startWebhookRelay();
      const lk = await startLiveKit({
        ...(redisAddress && { redisAddress }),
        webhookUrl: relay.livekitUrl,
      }).catch(async (error: unknown) => {
        await relay.close();
        throw error;
      });
      const withRedis = redisAddress ? `, Redis ${redisAddress}` : '';
      announce(
        `LiveKit: server at ${lk.url} (pid ${lk.pid}, ready in ${lk.startedInMs} ms, UDP ${lk.rtcUdpPort}${withRedis})`,
      );
      return {
        value: {
          url: lk.url,
          apiKey: lk.apiKey,
          apiSecret: lk.apiSecret,
          webhookTargetsUrl: relay.targetsUrl,
        },
        stop: async () => {
          await lk.stop();
          await relay.close();
        },
      };
    },
  );
  project.provide('livekit', value);
  return release;
}

/** Provides `redisAddress` (`127.0.0.1:PORT`). */
export async function setupRedis(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.TEST_REDIS_ADDRESS;
  const { value, release } = await acquire('redis', async () => {
    if (external) {
      announce(`Redis: ${external} (from TEST_REDIS_ADDRESS)`);
      return { value: external, stop: async () => undefined };
    }
    const redis = await startRedis();
    announce(
      `Redis: redis-server at ${redis.address} (pid ${redis.pid}, ready in ${redis.startedInMs} ms)`,
    );
    return { value: redis.address, stop: () => redis.stop() };
  });
  project.provide('redisAddress', value);
  return release;
}

// ---------------------------------------------------------------------------------------------------
// Sharing between projects: each project imports this file through its own module runner, so module
// state is per project; globalThis is per process.

interface Shared<T> {
  promise: Promise<{ value: T; stop: () => Promise<void> }>;
  refs: number;
}

const registryKey = Symbol.for('switchboard.test-services');
type Registry = Map<string, Shared<unknown>>;

function registry(): Registry {
  const holder = globalThis as typeof globalThis & { [registryKey]?: Registry };
  holder[registryKey] ??= new Map();
  return holder[registryKey];
}

async function acquire<T>(
  key: string,
  start: () => Promise<{ value: T; stop: () => Promise<void> }>,
): Promise<{ value: T; release: () => Promise<void> }> {
  const map = registry();
  let entry = map.get(key) as Shared<T> | undefined;
  if (!entry) {
    entry = { promise: start(), refs: 0 };
    map.set(key, entry);
    entry.promise.catch(() => map.delete(key)); // a failed start is not cached
  }
  entry.refs++;
  const { value } = await entry.promise;
  const shared = entry;
  let released = false;
  return {
    value,
    release: async () => {
      if (released) return;
      released = true;
      shared.refs--;
      if (shared.refs > 0) return;
      map.delete(key);
      await (await shared.promise).stop();
    },
  };
}

// ---------------------------------------------------------------------------------------------------

function announce(line: string): void {
  process.stdout.write(`[test services] ${line}\n`);
}

/** Hides the password in `mongodb://user:password@host`. */
function redactUri(uri: string): string {
  return uri.replace(/^([a-z+]+:\/\/[^:/@]+:)[^@/]*@/i, '$1***@');
}

async function assertMongoAnswers(uri: string, source: string): Promise<void> {
  const connection = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    await connection.asPromise();
    await connection.db?.admin().ping();
  } catch (error) {
    throw new Error(
      `${source}=${redactUri(uri)} does not answer a ping: ${(error as Error).message}`,
      { cause: error },
    );
  } finally {
    await connection.close().catch(() => undefined);
  }
}

async function assertLiveKitAnswers(url: string): Promise<void> {
  const httpUrl = url.replace(/^ws(s?):\/\//, 'http$1://');
  try {
    const response = await fetch(httpUrl, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
  } catch (error) {
    throw new Error(
      `TEST_LIVEKIT_URL=${url} does not answer at ${httpUrl}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
