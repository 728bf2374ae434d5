import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StorageKind } from '../shared/system.schema.ts';
import { createMemoryAgentStore } from './adapters/memory/agent-store.memory.ts';
import { createMemoryDidRouteStore } from './adapters/memory/did-route-store.memory.ts';
import { createMemoryRoomStore } from './adapters/memory/room-store.memory.ts';
import { createMemoryCallSessionStore } from './adapters/memory/call-session-store.memory.ts';
import { createMemoryLeaseStore } from './adapters/memory/lease-store.memory.ts';
import { createMongooseLeaseStore } from './adapters/mongoose/lease-store.mongoose.ts';
import { createMemoryAgentVersionStore } from './adapters/memory/agent-version-store.memory.ts';
import { createMongooseAgentVersionStore } from './adapters/mongoose/agent-version-store.mongoose.ts';
import type { AgentVersionStore } from './ports/agent-version-store.port.ts';
import { createMemoryAuditStore } from './adapters/memory/audit-store.memory.ts';
import { createMongooseAuditStore } from './adapters/mongoose/audit-store.mongoose.ts';
import type { AuditStore } from './ports/audit-store.port.ts';
import { createMemoryCallReportStore } from './adapters/memory/call-report-store.memory.ts';
import { createMongooseAgentStore } from './adapters/mongoose/agent-store.mongoose.ts';
import { createMongooseDidRouteStore } from './adapters/mongoose/did-route-store.mongoose.ts';
import { createMongooseRoomStore } from './adapters/mongoose/room-store.mongoose.ts';
import { createMongooseCallSessionStore } from './adapters/mongoose/call-session-store.mongoose.ts';
import { createMongooseCallReportStore } from './adapters/mongoose/call-report-store.mongoose.ts';
import { createUnconfiguredAgentStore } from './adapters/unconfigured/agent-store.unconfigured.ts';
import { createUnconfiguredDidRouteStore } from './adapters/unconfigured/did-route-store.unconfigured.ts';
import { createUnconfiguredLiveKitRooms } from './adapters/unconfigured/livekit-rooms.unconfigured.ts';
import { createUnconfiguredSip } from './adapters/unconfigured/sip-dispatch.unconfigured.ts';
import { createUnconfiguredWebhookVerifier } from './adapters/unconfigured/livekit-webhooks.unconfigured.ts';
import { randomBytes } from 'node:crypto';
import { createServices } from './compose.ts';
import type { Services } from './context.ts';
import { connectMongo, type MongoHandle } from './db/mongoose.ts';
import type { Env } from './env.ts';
import { requestGuardOptionsFromEnv } from './http/request-guard.ts';
import { createHttpServer, type HttpServer } from './http/server.ts';
import { FIRST_WORKSPACE_ID } from './identity.ts';
import { createAuthenticate } from './auth/authenticate.ts';
import { createBetterAuthAccounts } from './auth/better-auth.ts';
import { createSignInLockout } from './auth/lockout.ts';
import { createMemoryApiKeyStore } from './adapters/memory/api-key-store.memory.ts';
import { createMemoryWorkspaceStore } from './adapters/memory/workspace-store.memory.ts';
import { createMongooseApiKeyStore } from './adapters/mongoose/api-key-store.mongoose.ts';
import { createMongooseWorkspaceStore } from './adapters/mongoose/workspace-store.mongoose.ts';
import { DEVELOPMENT_OWNER } from './services/setup.service.ts';
import { createPeriodicJob } from './services/periodic-job.ts';
import { createLiveKitRooms } from './livekit/livekit-rooms.ts';
import { createLiveKitSip } from './livekit/sip.ts';
import { createLiveKitWebhookVerifier } from './livekit/webhooks.ts';
import { createLogger, type Logger } from './logger.ts';
import type { AgentStore } from './ports/agent-store.port.ts';
import type { DidRouteStore } from './ports/did-route-store.port.ts';
import type { LiveKitRooms } from './ports/livekit-rooms.port.ts';
import type { RoomStore } from './ports/room-store.port.ts';
import type { CallSessionStore } from './ports/call-session-store.port.ts';
import type { LeaseStore } from './ports/lease-store.port.ts';
import type { CallReportStore } from './ports/call-report-store.port.ts';
import type { SipDispatch } from './ports/sip-dispatch.port.ts';
import { appRouter } from './routers/_app.ts';

export interface App {
  http: HttpServer;
  services: Services;
  storage: StorageKind;
  /** Settles once the setup token is printed (fresh install) or the development owner exists. */
  firstStart: Promise<void>;
  /** Graceful stop: in-flight requests finish, then the database connection closes. */
  close(): Promise<void>;
}

/** How often open calls are checked against the rooms LiveKit lists. */
export const RECONCILE_INTERVAL_MS = 60_000;
/**
 * The reconciler's lease (`job:reconcile`): longer than the interval, so the instance running it
 * keeps it from run to run; another takes over within this long after it dies.
 */
export const RECONCILE_LEASE_TTL_MS = 2.5 * RECONCILE_INTERVAL_MS;
/** How often calls still waiting for their agent are looked at (see CallHistoryService.watchAgents). */
export const AGENT_WATCH_INTERVAL_MS = 1_000;

interface Storage {
  kind: StorageKind;
  store: AgentStore;
  mongo?: MongoHandle;
  /**
   * Runs `task` once the database first answers (index creation, adoption); a failure is logged.
   * `close()` waits for these before closing the connection under them.
   */
  afterConnect(what: string, task: () => Promise<unknown>): Promise<void>;
  /** Settles when every `afterConnect` task has (at once if the database never answered). */
  settled(): Promise<void>;
}

/** The composition root: env → database → adapters → services → HTTP server. */
export function buildApp(env: Env, logger: Logger = createLogger({ level: env.LOG_LEVEL })): App {
  const storage = selectStorage(env, logger);
  const leaseStore = selectLeaseStore(storage);
  const baseURL = env.PUBLIC_URL ?? `http://127.0.0.1:${env.PORT}`;
  // Signs cookies (better-auth) and, through a key derived from it, workers' report tokens.
  const secret = env.AUTH_SECRET ?? developmentSecret(logger);
  const accounts = createBetterAuthAccounts({
    database: storage.mongo
      ? { kind: 'mongodb', db: () => storage.mongo?.connection.db }
      : { kind: 'memory' },
    baseURL,
    secret,
    signInPerMinute: env.SIGN_IN_RATE_PER_MINUTE,
    lockout: createSignInLockout(),
    logger,
  });
  const services = createServices({
    accounts,
    ...selectIdentityStores(storage),
    agentStore: storage.store,
    agentVersionStore: selectAgentVersionStore(storage),
    auditStore: selectAuditStore(storage),
    routeStore: selectRouteStore(storage, logger),
    rooms: selectLiveKit(env, logger),
    roomStore: selectRoomStore(storage),
    callSessionStore: selectCallSessionStore(storage),
    leaseStore,
    callReportStore: selectCallReportStore(storage),
    callReports: {
      secret,
      // Read at each start: the port is known once the server listens (tests listen on port 0).
      baseUrl: () => env.AGENT_REPORT_BASE_URL ?? env.PUBLIC_URL ?? ownUrl(http.server, env.PORT),
    },
    webhooks: livekitConfigured(env)
      ? createLiveKitWebhookVerifier({
          apiKey: env.LIVEKIT_API_KEY,
          apiSecret: env.LIVEKIT_API_SECRET,
        })
      : createUnconfiguredWebhookVerifier(),
    sessionLimits: {
      workspacePerMinute: env.SESSION_RATE_PER_MINUTE,
      keyPerMinute: env.SESSION_KEY_RATE_PER_MINUTE,
      concurrentMax: env.SESSION_CONCURRENT_MAX,
    },
    sip: selectSip(env, logger),
    storage: storage.kind,
    livekitConfigured: livekitConfigured(env),
    agentName: env.AGENT_NAME,
    tokenTtlSeconds: env.SESSION_TTL_SECONDS,
    redispatch: {
      firstDelayMs: env.AGENT_REDISPATCH_DELAY_MS,
      deadlineMs: env.AGENT_DISPATCH_DEADLINE_MS,
    },
    version: packageVersion(),
    ...(env.LIVEKIT_SIP_TRUNK_ID && { sipTrunkId: env.LIVEKIT_SIP_TRUNK_ID }),
    logger,
  });
  const http = createHttpServer({
    router: appRouter,
    context: {
      services,
      logger,
      authenticate: createAuthenticate({
        accounts,
        workspaces: services.workspaces,
        keys: services.keys,
      }),
      developmentSignIn: env.DEV_SIGN_IN,
    },
    accounts,
    ...(env.DEV_SIGN_IN && { developmentSignInEmail: DEVELOPMENT_OWNER.email }),
    logger,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    readiness: () => storage.store.ping().catch(rethrowUnlessUnconfigured(storage.kind)),
    ...(findStaticDir() !== undefined && { staticDir: findStaticDir() }),
    guard: requestGuardOptionsFromEnv(env),
    ...(env.LIVEKIT_URL !== undefined && { livekitUrl: env.LIVEKIT_URL }),
  });

  // Ends calls whose room is gone without a room_finished webhook (see CallHistoryService).
  const reconciliation = livekitConfigured(env)
    ? createPeriodicJob({
        name: 'call reconciliation',
        intervalMs: RECONCILE_INTERVAL_MS,
        run: () => services.calls.reconcile(),
        lease: { store: leaseStore, key: 'job:reconcile', ttlMs: RECONCILE_LEASE_TTL_MS },
        logger,
      })
    : undefined;
  reconciliation?.start();
  // Dispatches again (with backoff) calls no agent joined, and ends them past the deadline.
  const agentWatch = livekitConfigured(env)
    ? createPeriodicJob({
        name: 'agent dispatch watch',
        intervalMs: Math.min(AGENT_WATCH_INTERVAL_MS, env.AGENT_REDISPATCH_DELAY_MS),
        run: () => services.calls.watchAgents(),
        logger,
      })
    : undefined;
  agentWatch?.start();

  const firstStart = storage.afterConnect('prepare sign-in', async () => {
    await accounts.ensureIndexes();
    await (env.DEV_SIGN_IN
      ? developmentOwner(services, logger)
      : announceSetup(services, baseURL, logger));
  });

  return {
    http,
    services,
    storage: storage.kind,
    firstStart,
    async close() {
      await http.shutdown(env.SHUTDOWN_TIMEOUT_MS);
      await reconciliation?.stop();
      await agentWatch?.stop();
      await services.telephony.settled();
      await storage.settled();
      await storage.mongo?.close();
    },
  };
}

function selectStorage(env: Env, logger: Logger): Storage {
  if (env.MONGODB_URI) {
    const mongo = connectMongo({
      uri: env.MONGODB_URI,
      serverSelectionTimeoutMS: env.MONGODB_TIMEOUT_MS,
      logger,
    });
    const store = createMongooseAgentStore(mongo.connection);
    const tasks: Promise<void>[] = [];
    let connected = false;
    void mongo.ready.then(() => (connected = true));
    const storage: Storage = {
      kind: 'mongodb',
      store,
      mongo,
      afterConnect(what, task) {
        const done = mongo.ready.then(task).then(
          () => undefined,
          (error: unknown) => logger.error(`could not ${what}`, { error }),
        );
        tasks.push(done);
        return done;
      },
      settled: async () => {
        if (connected) await Promise.all(tasks);
      },
    };
    void storage.afterConnect('create the agents indexes', async () => {
      await store.ensureIndexes();
      await adopt('agents', () => store.adoptUnowned(FIRST_WORKSPACE_ID), logger);
    });
    return storage;
  }
  if (env.NODE_ENV === 'production') {
    logger.error(
      'MONGODB_URI is not set: agents.* will answer SERVICE_UNAVAILABLE "Persistence is not configured"',
    );
    return {
      kind: 'unconfigured',
      store: createUnconfiguredAgentStore(),
      ...withoutDatabase(logger),
    };
  }
  logger.warn(
    '*** MONGODB_URI is not set: agents are kept IN MEMORY and are LOST when the server stops. Run `npm run services` for a local database, or set MONGODB_URI. ***',
  );
  return { kind: 'memory', store: createMemoryAgentStore(), ...withoutDatabase(logger) };
}

/** Without a database the start-up tasks run at once (those that need one are not given). */
function withoutDatabase(logger: Logger): Pick<Storage, 'afterConnect' | 'settled'> {
  const tasks: Promise<void>[] = [];
  return {
    afterConnect(what, task) {
      const done = task().then(
        () => undefined,
        (error: unknown) => logger.error(`could not ${what}`, { error }),
      );
      tasks.push(done);
      return done;
    },
    settled: async () => {
      await Promise.all(tasks);
    },
  };
}

/** env.ts makes LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET all-or-none. */
function livekitConfigured(
  env: Env,
): env is Env & { LIVEKIT_URL: string; LIVEKIT_API_KEY: string; LIVEKIT_API_SECRET: string } {
  return Boolean(env.LIVEKIT_URL && env.LIVEKIT_API_KEY && env.LIVEKIT_API_SECRET);
}

/** LiveKit from LIVEKIT_URL/KEY/SECRET, else refusals. */
function selectLiveKit(env: Env, logger: Logger): LiveKitRooms {
  if (livekitConfigured(env)) {
    return createLiveKitRooms({
      url: env.LIVEKIT_URL,
      apiKey: env.LIVEKIT_API_KEY,
      apiSecret: env.LIVEKIT_API_SECRET,
      timeoutMs: env.LIVEKIT_TIMEOUT_MS,
      logger,
    });
  }
  logger.warn(
    'LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET are not set: session.start will answer SERVICE_UNAVAILABLE "LiveKit is not configured"',
  );
  return createUnconfiguredLiveKitRooms();
}

/** Phone-number routes live beside the agents: same database, or same memory/unconfigured choice. */
function selectRouteStore(storage: Storage, logger: Logger): DidRouteStore {
  if (storage.mongo) {
    const store = createMongooseDidRouteStore(storage.mongo.connection);
    void storage.afterConnect('create the route indexes', async () => {
      await store.ensureIndexes();
      await adopt('routes', () => store.adoptUnowned(FIRST_WORKSPACE_ID), logger);
    });
    return store;
  }
  return storage.kind === 'unconfigured'
    ? createUnconfiguredDidRouteStore()
    : createMemoryDidRouteStore();
}

/**
 * Room records live beside the agents in the database; without one, in memory — also on a
 * production server without MONGODB_URI, where sessions from overrides alone still start. What a
 * restart forgets only refuses more (a running room nobody recorded is NOT_FOUND), never less.
 */
function selectRoomStore(storage: Storage): RoomStore {
  if (storage.mongo) {
    const store = createMongooseRoomStore(storage.mongo.connection);
    void storage.afterConnect('create the room indexes', () => store.ensureIndexes());
    return store;
  }
  return createMemoryRoomStore();
}

/** Leases live in the database every instance shares; in memory one process needs none else. */
function selectLeaseStore(storage: Storage): LeaseStore {
  if (storage.mongo) {
    const store = createMongooseLeaseStore(storage.mongo.connection);
    void storage.afterConnect('create the lease collections', () => store.ensureIndexes());
    return store;
  }
  return createMemoryLeaseStore();
}

/** Agents' published versions live beside the agents: in the database, else in memory. */
function selectAgentVersionStore(storage: Storage): AgentVersionStore {
  if (storage.mongo) {
    const store = createMongooseAgentVersionStore(storage.mongo.connection);
    void storage.afterConnect('create the agent version index', () => store.ensureIndexes());
    return store;
  }
  return createMemoryAgentVersionStore();
}

/** The audit log lives beside the agents: in the database, else in memory. */
function selectAuditStore(storage: Storage): AuditStore {
  if (storage.mongo) {
    const store = createMongooseAuditStore(storage.mongo.connection);
    void storage.afterConnect('create the audit log indexes', () => store.ensureIndexes());
    return store;
  }
  return createMemoryAuditStore();
}

/** Call history lives beside the room records: in the database, else in memory. */
function selectCallSessionStore(storage: Storage): CallSessionStore {
  if (storage.mongo) {
    const store = createMongooseCallSessionStore(storage.mongo.connection);
    void storage.afterConnect('create the call history indexes', () => store.ensureIndexes());
    return store;
  }
  return createMemoryCallSessionStore();
}

/** Workers' call reports live beside the call history: in the database, else in memory. */
function selectCallReportStore(storage: Storage): CallReportStore {
  if (storage.mongo) {
    const store = createMongooseCallReportStore(storage.mongo.connection);
    void storage.afterConnect('create the call report collection', () => store.ensureIndexes());
    return store;
  }
  return createMemoryCallReportStore();
}

/**
 * The server's own address as a worker on this machine reaches it: the address it listens on, a
 * wildcard one (`0.0.0.0`, `::`) as 127.0.0.1; PORT until it listens.
 */
function ownUrl(server: Server, port: number): string {
  const address = server.address();
  if (address === null || typeof address === 'string') return `http://127.0.0.1:${port}`;
  const host = ['0.0.0.0', '::', ''].includes(address.address) ? '127.0.0.1' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

/** LiveKit's SIP API for telephony; unconfigured, routes still save and are marked out of sync. */
function selectSip(env: Env, logger: Logger): SipDispatch {
  if (livekitConfigured(env)) {
    return createLiveKitSip({
      url: env.LIVEKIT_URL,
      apiKey: env.LIVEKIT_API_KEY,
      apiSecret: env.LIVEKIT_API_SECRET,
      timeoutMs: env.LIVEKIT_TIMEOUT_MS,
      logger,
    });
  }
  return createUnconfiguredSip();
}

/**
 * Records stored before workspaces existed have no `workspaceId`: they join the local workspace,
 * the one every request resolves to until sign-in (which will adopt them into the first owner's
 * workspace instead). Nothing is lost on upgrade; after the first start there is nothing to adopt.
 */
async function adopt(what: string, adoptUnowned: () => Promise<number>, logger: Logger) {
  try {
    const adopted = await adoptUnowned();
    if (adopted > 0) {
      logger.info(`adopted ${adopted} ${what} stored before workspaces into the local workspace`, {
        workspaceId: FIRST_WORKSPACE_ID,
        adopted,
      });
    }
  } catch (error) {
    logger.error(`could not adopt ${what} stored before workspaces`, { error });
  }
}

/**
 * Workspaces, members, invitations and keys live beside the agents in the database; without one,
 * in memory (like the accounts), so a development server or a production one without
 * MONGODB_URI can still be set up and signed in to.
 */
function selectIdentityStores(storage: Storage) {
  if (!storage.mongo) {
    return { workspaceStore: createMemoryWorkspaceStore(), keyStore: createMemoryApiKeyStore() };
  }
  const workspaceStore = createMongooseWorkspaceStore(storage.mongo.connection);
  const keyStore = createMongooseApiKeyStore(storage.mongo.connection);
  void storage.afterConnect('create the workspace and key indexes', () =>
    Promise.all([workspaceStore.ensureIndexes(), keyStore.ensureIndexes()]),
  );
  return { workspaceStore, keyStore };
}

/**
 * Without AUTH_SECRET (development and tests only: production refuses to start) cookies are
 * signed with a secret made at start, so sessions end when the process does.
 */
function developmentSecret(logger: Logger): string {
  logger.warn('AUTH_SECRET is not set: sessions end when the server stops (set it to keep them)');
  return randomBytes(32).toString('base64url');
}

/**
 * A fresh install (nobody in any workspace) is claimed with a one-time token printed here; the
 * dashboard's setup page asks for it. `npm run admin -- create-owner` is the other way in.
 */
async function announceSetup(services: Services, baseURL: string, logger: Logger) {
  const token = await services.setup.issueToken();
  if (!token) return;
  logger.warn(
    `*** First start: open ${baseURL}/setup#token=${token} to create the first owner (the setup token is ${token}; or run \`npm run admin -- init\`). ***`,
    { setupToken: token },
  );
}

async function developmentOwner(services: Services, logger: Logger) {
  const user = await services.setup.ensureDevelopmentOwner();
  logger.info(`development sign-in: the dashboard signs you in as ${user.email}`);
}

/** Without persistence the process is still ready to answer (with SERVICE_UNAVAILABLE). */
function rethrowUnlessUnconfigured(kind: StorageKind) {
  return (error: unknown) => {
    if (kind !== 'unconfigured') throw error;
  };
}

let cachedStaticDir: string | null | undefined;
/** The built SPA next to the built server (dist/client), if there is one. */
function findStaticDir(): string | undefined {
  if (cachedStaticDir === undefined) {
    const here = path.dirname(fileURLToPath(import.meta.url));
    const candidates = [path.resolve(here, '../../client'), path.resolve(here, '../dist/client')];
    cachedStaticDir = candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? null;
  }
  return cachedStaticDir ?? undefined;
}

function packageVersion(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const candidate of ['../package.json', '../../../package.json']) {
    try {
      return (
        JSON.parse(readFileSync(path.resolve(here, candidate), 'utf8')) as { version: string }
      ).version;
    } catch {
      // try the next layout (source vs dist)
    }
  }
  return '0.0.0';
}
