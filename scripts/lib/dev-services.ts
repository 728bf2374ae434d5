// The local development services shared by `npm run services` and `npm run dev`: FerretDB with its data
// in .data/ferretdb/ (survives restarts) and LiveKit, on fixed ports with fixed DEVELOPMENT-ONLY keys,
// with a Redis beside LiveKit for its SIP API (telephony) when redis-server is installed.

import path from 'node:path';
import { REPO_ROOT } from './install.ts';
import {
  startFerretDB,
  startLiveKit,
  startRedis,
  type FerretDBService,
  type LiveKitService,
  type RedisService,
} from './processes.ts';

/** Development-only credentials: the dev LiveKit listens on 127.0.0.1 only. Never use them elsewhere. */
export const DEV_LIVEKIT_API_KEY = 'devkey';
export const DEV_LIVEKIT_API_SECRET = 'switchboard-dev-secret-for-local-development-only';
export const DEV_DATABASE = 'switchboard';
export const DEV_FERRETDB_DIR = path.join(REPO_ROOT, '.data', 'ferretdb');

export interface DevServiceEnv {
  MONGODB_URI: string;
  LIVEKIT_URL: string;
  LIVEKIT_API_KEY: string;
  LIVEKIT_API_SECRET: string;
}

export interface DevServices {
  env: DevServiceEnv;
  ferretdb?: FerretDBService;
  livekit?: LiveKitService;
  redis?: RedisService;
  /** Stops what was started here (LiveKit first, then Redis and the database). */
  stop(): Promise<void>;
}

export interface DevServicesOptions {
  /** Start FerretDB (default true); when false, `existing.MONGODB_URI` must be given. */
  mongo?: boolean;
  /** Start LiveKit (default true); when false, the `existing` LiveKit settings must be given. */
  livekit?: boolean;
  existing?: Partial<DevServiceEnv>;
  /**
   * Where the LiveKit started here POSTs its webhooks (call history): the API's
   * `/api/livekit/webhook`. LiveKit reads it once at start.
   */
  webhookUrl?: string;
  /** Output of the servers, one line at a time. */
  onOutput?: (service: 'db' | 'livekit' | 'redis', line: string) => void;
}

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`${name} must be a port number, got "${raw}"`);
  return port;
}

/**
 * FerretDB on $FERRETDB_PORT (default 27017) and LiveKit on $LIVEKIT_PORT (default 7880, ICE/UDP on
 * $LIVEKIT_UDP_PORT, default 7882), with Redis on $REDIS_PORT (default 6390, not 6379, so that a
 * system Redis is left alone), all on 127.0.0.1. Without redis-server, LiveKit runs without it and
 * only telephony's SIP API is unavailable (said once, loudly).
 */
/** The development API's webhook endpoint, where the local LiveKit sends call events. */
export function devWebhookUrl(apiPort: string = process.env.PORT || '4000'): string {
  return `http://127.0.0.1:${apiPort}/api/livekit/webhook`;
}

export async function startDevServices(options: DevServicesOptions = {}): Promise<DevServices> {
  const wantMongo = options.mongo ?? true;
  const wantLiveKit = options.livekit ?? true;
  const ferretdbPort = portFromEnv('FERRETDB_PORT', 27017);
  const livekitPort = portFromEnv('LIVEKIT_PORT', 7880);
  const livekitUdpPort = portFromEnv('LIVEKIT_UDP_PORT', 7882);
  const redisPort = portFromEnv('REDIS_PORT', 6390);

  // LiveKit's SIP API (phone numbers) keeps trunks and rules in Redis; Switchboard's own routes are
  // in the database, and `telephony.sync` recreates the rules after a restart.
  let redis: RedisService | undefined;
  if (wantLiveKit) {
    try {
      redis = await startRedis({
        port: redisPort,
        processGroup: true,
        onOutput: (line) => options.onOutput?.('redis', line),
      });
    } catch (error) {
      options.onOutput?.(
        'redis',
        `Redis not started (${(error as Error).message}): LiveKit runs without it, so phone numbers cannot sync.`,
      );
    }
  }

  const [db, lk] = await Promise.allSettled([
    wantMongo
      ? startFerretDB({
          port: ferretdbPort,
          dataDir: DEV_FERRETDB_DIR,
          processGroup: true,
          onOutput: (line) => options.onOutput?.('db', line),
        })
      : Promise.resolve(undefined),
    wantLiveKit
      ? startLiveKit({
          port: livekitPort,
          rtcUdpPort: livekitUdpPort,
          apiKey: DEV_LIVEKIT_API_KEY,
          apiSecret: DEV_LIVEKIT_API_SECRET,
          ...(redis && { redisAddress: redis.address }),
          ...(options.webhookUrl && { webhookUrl: options.webhookUrl }),
          processGroup: true,
          onOutput: (line) => options.onOutput?.('livekit', line),
        })
      : Promise.resolve(undefined),
  ]);
  const ferretdb = db.status === 'fulfilled' ? db.value : undefined;
  const livekit = lk.status === 'fulfilled' ? lk.value : undefined;
  const stop = async (): Promise<void> => {
    await livekit?.stop();
    await redis?.stop();
    await ferretdb?.stop();
  };
  const failure = [db, lk].find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    await stop();
    const reason = failure.reason as Error;
    if (/already listening/.test(reason.message)) {
      reason.message +=
        '\nIs `npm run services` or `npm run dev` already running in another terminal?';
    }
    throw reason;
  }

  const existing = options.existing ?? {};
  const env: DevServiceEnv = {
    MONGODB_URI: ferretdb ? `${ferretdb.uri}/${DEV_DATABASE}` : required(existing, 'MONGODB_URI'),
    LIVEKIT_URL: livekit ? livekit.url : required(existing, 'LIVEKIT_URL'),
    LIVEKIT_API_KEY: livekit ? livekit.apiKey : required(existing, 'LIVEKIT_API_KEY'),
    LIVEKIT_API_SECRET: livekit ? livekit.apiSecret : required(existing, 'LIVEKIT_API_SECRET'),
  };
  return { env, ferretdb, livekit, redis, stop };
}

function required(existing: Partial<DevServiceEnv>, name: keyof DevServiceEnv): string {
  const value = existing[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** `NAME=value` lines, ready for a .env file or `export`. */
export function envLines(env: DevServiceEnv): string {
  return Object.entries(env)
    .map(([name, value]) => `${name}=${value}`)
    .join('\n');
}
