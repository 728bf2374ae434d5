// Starts FerretDB, LiveKit server and Redis as children bound to 127.0.0.1, waits until each really
// answers, and hands back how to reach it plus a stop() that ends exactly that process.

import { randomBytes } from 'node:crypto';
import { readdir, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { isProcessAlive } from './cache.ts';
import {
  describeExit,
  findExecutable,
  indentOutput,
  spawnManaged,
  type ManagedChild,
} from './child.ts';
import { ensureFerretDB, ensureLiveKit } from './install.ts';
import {
  canConnect,
  freeTcpPort,
  freeUdpPort,
  isTcpPortFree,
  LOOPBACK,
  redisPing,
} from './ports.ts';

const DEFAULT_TIMEOUT_MS = 30_000;
const TMP_PREFIX = 'switchboard-';

interface CommonOptions {
  /** Each line the server prints (for `[db] …`-style prefixing). Output is kept for errors either way. */
  onOutput?: (line: string) => void;
  /** How long to wait for the server to answer (default 30 s). */
  timeoutMs?: number;
  /**
   * Run the server in its own process group, so a terminal's Ctrl-C reaches only us and we decide the
   * shutdown order (the dev scripts). Default false.
   */
  processGroup?: boolean;
}

export interface RunningService {
  /** Process id of the server itself. */
  readonly pid: number;
  /** Milliseconds from spawn until it answered. */
  readonly startedInMs: number;
  /** Resolves when the server has exited, whether stopped or crashed. */
  readonly exited: ManagedChild['exited'];
  /** The last lines it printed. */
  outputTail(lines?: number): string;
  /** SIGTERM, wait, then SIGKILL; removes its temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------
// FerretDB

export interface FerretDBOptions extends CommonOptions {
  /** SQLite directory. Kept on stop. Default: a fresh temp dir, removed on stop. */
  dataDir?: string;
  /** Default: a free port. */
  port?: number;
  /**
   * FerretDB's log level, default "error": at "warn" FerretDB v1 dumps every command it does not
   * implement, e.g. the `endSessions` each driver sends when closing a connection.
   */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

export interface FerretDBService extends RunningService {
  /** `mongodb://127.0.0.1:PORT` — no database: append `/<name>`. */
  readonly uri: string;
  readonly port: number;
  readonly dataDir: string;
}

export async function startFerretDB(options: FerretDBOptions = {}): Promise<FerretDBService> {
  const binary = await ensureFerretDB();
  return withPortRetries(options.port === undefined, async () => {
    const port = options.port ?? (await freeTcpPort());
    await assertPortFree(port, 'FerretDB', 'FERRETDB_PORT');
    const { dir: dataDir, cleanup } = await dataDirectory('ferretdb', options.dataDir);
    const uri = `mongodb://${LOOPBACK}:${port}`;
    const child = spawnManaged({
      name: 'FerretDB',
      command: binary,
      args: [
        '--listen',
        `${LOOPBACK}:${port}`,
        '--sqlite-dir',
        dataDir,
        '--log-level',
        options.logLevel ?? 'error',
      ],
      env: { ...process.env, DO_NOT_TRACK: '1' },
      onOutput: options.onOutput,
      processGroup: options.processGroup,
      cleanup,
    });
    const startedInMs = await waitUntilReady(
      child,
      `${uri} (data in ${dataDir})`,
      options.timeoutMs,
      async () => {
        // The listener accepts only once Run has started; a TCP connect is cheap, then a real ping.
        if (!(await canConnect(port))) return false;
        return mongoPing(uri);
      },
    );
    return { ...serviceHandle(child, startedInMs), uri, port, dataDir };
  });
}

async function mongoPing(uri: string): Promise<boolean> {
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 2000,
    connectTimeoutMS: 2000,
  });
  try {
    await connection.asPromise();
    const result = await connection.db?.admin().ping();
    return result?.ok === 1;
  } catch {
    return false;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------------
// LiveKit

export interface LiveKitOptions extends CommonOptions {
  /** HTTP/WebSocket port. Default: a free port. */
  port?: number;
  /**
   * ICE over TCP port. Default: off. LiveKit v1.13.5 listens for ICE/TCP on ALL interfaces (its TCP mux
   * has no bind address, whatever bind_addresses says), so it is opt-in; media then goes over UDP only,
   * which does bind to 127.0.0.1 and is what Chromium uses on loopback anyway.
   */
  rtcTcpPort?: number;
  /** The single ICE/UDP media port (LiveKit multiplexes all peers on it). Default: a free port. */
  rtcUdpPort?: number;
  /** Default: a random `API…` key. */
  apiKey?: string;
  /** At least 32 characters (LiveKit logs an error for shorter ones). Default: random. */
  apiSecret?: string;
  /** `127.0.0.1:PORT` of a Redis: needed for the SIP API (trunks, dispatch rules). */
  redisAddress?: string;
  /** Where LiveKit POSTs webhooks (signed with apiKey/apiSecret). */
  webhookUrl?: string | readonly string[];
  /** LiveKit's log level (default "warn"). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

export interface LiveKitService extends RunningService {
  /** `ws://127.0.0.1:PORT` — what SDKs and browsers connect to. */
  readonly url: string;
  /** `http://127.0.0.1:PORT` — the same port, for the Twirp API and health check. */
  readonly httpUrl: string;
  readonly port: number;
  /** null when ICE over TCP is off (the default). */
  readonly rtcTcpPort: number | null;
  readonly rtcUdpPort: number;
  readonly apiKey: string;
  readonly apiSecret: string;
}

export async function startLiveKit(options: LiveKitOptions = {}): Promise<LiveKitService> {
  const binary = await ensureLiveKit();
  const apiKey = options.apiKey ?? `API${randomBytes(6).toString('hex')}`;
  const apiSecret = options.apiSecret ?? randomBytes(32).toString('base64url');
  if (apiSecret.length < 32)
    throw new Error('LiveKit API secrets must be at least 32 characters long');
  if (!/^[\w-]+$/.test(apiKey))
    throw new Error(`unsupported LiveKit API key ${JSON.stringify(apiKey)}`);
  const autoPorts =
    options.port === undefined &&
    options.rtcTcpPort === undefined &&
    options.rtcUdpPort === undefined;

  return withPortRetries(autoPorts, async () => {
    const port = options.port ?? (await freeTcpPort());
    const rtcTcpPort = options.rtcTcpPort ?? null;
    const rtcUdpPort = options.rtcUdpPort ?? (await freeUdpPort());
    await assertPortFree(port, 'LiveKit', 'LIVEKIT_PORT');
    if (rtcTcpPort !== null) await assertPortFree(rtcTcpPort, 'LiveKit (ICE over TCP)');
    const { dir, cleanup } = await dataDirectory('livekit');

    const webhookUrls =
      typeof options.webhookUrl === 'string' ? [options.webhookUrl] : options.webhookUrl;
    // JSON is valid YAML, and saves us quoting rules.
    const config = {
      port,
      bind_addresses: [LOOPBACK],
      keys: { [apiKey]: apiSecret },
      logging: { level: options.logLevel ?? 'warn', pion_level: 'error' },
      rtc: {
        // Without node_ip LiveKit picks another interface and adds public STUN servers.
        node_ip: LOOPBACK,
        use_external_ip: false,
        // 0 turns ICE/TCP off (LiveKit's default is 7881 on all interfaces): see LiveKitOptions.rtcTcpPort.
        tcp_port: rtcTcpPort ?? 0,
        // A single port (all peers multiplexed); "start-end" would be a range.
        udp_port: rtcUdpPort,
        // Otherwise nothing listens on 127.0.0.1 for media.
        enable_loopback_candidate: true,
        ips: { includes: [`${LOOPBACK}/32`] },
        // Keeps public STUN servers from being handed to clients.
        stun_servers: [`${LOOPBACK}:3478`],
      },
      ...(options.redisAddress ? { redis: { address: options.redisAddress } } : {}),
      ...(webhookUrls?.length ? { webhook: { api_key: apiKey, urls: [...webhookUrls] } } : {}),
    };
    const configFile = path.join(dir, 'livekit.yaml');
    await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });

    const httpUrl = `http://${LOOPBACK}:${port}`;
    const child = spawnManaged({
      name: 'LiveKit',
      command: binary,
      args: ['--config', configFile],
      onOutput: options.onOutput,
      processGroup: options.processGroup,
      cleanup,
    });
    const startedInMs = await waitUntilReady(child, httpUrl, options.timeoutMs, async () => {
      try {
        const response = await fetch(`${httpUrl}/`, { signal: AbortSignal.timeout(2000) });
        return response.status === 200 && (await response.text()).trim() === 'OK';
      } catch {
        return false;
      }
    });
    return {
      ...serviceHandle(child, startedInMs),
      url: `ws://${LOOPBACK}:${port}`,
      httpUrl,
      port,
      rtcTcpPort,
      rtcUdpPort,
      apiKey,
      apiSecret,
    };
  });
}

// ---------------------------------------------------------------------------------------------------
// Redis

export interface RedisOptions extends CommonOptions {
  port?: number;
}

export interface RedisService extends RunningService {
  /** `127.0.0.1:PORT`, the form LiveKit's `redis.address` wants. */
  readonly address: string;
  /** `redis://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
}

/** Starts Debian's `redis-server` (or $REDIS_SERVER) with no persistence. */
export async function startRedis(options: RedisOptions = {}): Promise<RedisService> {
  const name = process.env.REDIS_SERVER || 'redis-server';
  const command = findExecutable(name);
  if (!command) {
    throw new Error(
      `${name} not found: install Redis (Debian: apt-get install redis-server) or set REDIS_SERVER=/path/to/redis-server`,
    );
  }
  return withPortRetries(options.port === undefined, async () => {
    const port = options.port ?? (await freeTcpPort());
    await assertPortFree(port, 'Redis', 'REDIS_PORT');
    const { dir, cleanup } = await dataDirectory('redis');
    const child = spawnManaged({
      name: 'Redis',
      command,
      args: [
        '--bind',
        LOOPBACK,
        '--port',
        String(port),
        '--protected-mode',
        'yes',
        '--daemonize',
        'no',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--loglevel',
        'warning',
      ],
      onOutput: options.onOutput,
      processGroup: options.processGroup,
      cleanup,
    });
    const startedInMs = await waitUntilReady(
      child,
      `redis://${LOOPBACK}:${port}`,
      options.timeoutMs,
      () => redisPing(port),
    );
    return {
      ...serviceHandle(child, startedInMs),
      address: `${LOOPBACK}:${port}`,
      url: `redis://${LOOPBACK}:${port}`,
      port,
    };
  });
}

// ---------------------------------------------------------------------------------------------------
// Shared machinery

class EarlyExitError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
  }
}

function serviceHandle(child: ManagedChild, startedInMs: number): RunningService {
  return {
    pid: child.pid,
    startedInMs,
    exited: child.exited,
    outputTail: (lines) => child.outputTail(lines),
    stop: async () => {
      await child.stop();
    },
  };
}

/** Polls `probe` until it returns true; throws (after stopping the child) with its last output if not. */
async function waitUntilReady(
  child: ManagedChild,
  where: string,
  timeoutMs = DEFAULT_TIMEOUT_MS,
  probe: () => Promise<boolean>,
): Promise<number> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  for (;;) {
    if (child.exitInfo) {
      await child.stop();
      throw new EarlyExitError(
        `${child.name} ${describeExit(child.exitInfo)} before it was ready (${where}). Its last output:\n${indentOutput(child.outputTail())}`,
        child.outputTail(),
      );
    }
    if (await probe()) return Date.now() - started;
    if (Date.now() > deadline) {
      await child.stop();
      throw new Error(
        `${child.name} did not answer within ${Math.round(timeoutMs / 1000)} s (${where}). Its last output:\n${indentOutput(child.outputTail())}`,
      );
    }
    await Promise.race([child.exited, new Promise((resolve) => setTimeout(resolve, 100))]);
  }
}

/**
 * A port we picked can be taken by someone else between our check and the child's bind. When we chose
 * the ports, retry a couple of times on "address already in use".
 */
async function withPortRetries<T>(portsAreOurs: boolean, attempt: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      const inUse =
        error instanceof EarlyExitError && /address already in use|EADDRINUSE/i.test(error.output);
      if (!portsAreOurs || !inUse || i >= 3) throw error;
    }
  }
}

async function assertPortFree(port: number, what: string, envName?: string): Promise<void> {
  if (await isTcpPortFree(port)) return;
  const hint = envName ? ` (choose another with ${envName}=…)` : '';
  throw new Error(
    `${what} cannot use 127.0.0.1:${port}: something is already listening there${hint}`,
  );
}

/**
 * The given directory (created, kept), or a fresh temp dir named after our PID (removed on stop, and by
 * the next run if we die without cleaning up).
 */
async function dataDirectory(
  kind: string,
  given?: string,
): Promise<{ dir: string; cleanup?: () => void }> {
  if (given) {
    const dir = path.resolve(given);
    await mkdir(dir, { recursive: true });
    return { dir };
  }
  await removeAbandonedTempDirs();
  const dir = await mkdtemp(path.join(os.tmpdir(), `${TMP_PREFIX}${kind}-${process.pid}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

let sweptTempDirs = false;

async function removeAbandonedTempDirs(): Promise<void> {
  if (sweptTempDirs) return;
  sweptTempDirs = true;
  try {
    const pattern = new RegExp(`^${TMP_PREFIX}(?:ferretdb|livekit|redis)-(\\d+)-`);
    for (const name of await readdir(os.tmpdir())) {
      const pid = Number(pattern.exec(name)?.[1]);
      if (pid && pid !== process.pid && !isProcessAlive(pid)) {
        rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
      }
    }
  } catch {
    // best effort
  }
}
