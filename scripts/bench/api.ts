// What Switchboard costs on top of the work it cannot avoid. Each procedure is called over HTTP
// beside a bare `node:http` handler doing the same database work (the raw MongoDB driver through a
// Mongoose connection of its own) or LiveKit work (CreateRoom carrying the dispatch, then signing
// the token), in the same run, interleaved one call at a time so both see the same machine:
//
//   agents.get, agents.list (first page, and a page from a cursor halfway down) at 1 agent and at
//   20,000 agents, on the bundled FerretDB 1.24 (SQLite); session.start against a real LiveKit.
//
// Prints median and p95 of each and their ratios; asserts nothing.
//
//   npm run bench                     starts its own FerretDB and LiveKit (temp data, removed)
//   npm run bench -- --count 300      calls per fast series (20–2000, default 100)
//   TEST_MONGODB_URI=mongodb://127.0.0.1:27017  compare on a MongoDB you run (loopback only; the
//                                     bench uses, then drops, a database of its own)
//   TEST_LIVEKIT_URL=… TEST_LIVEKIT_API_KEY=… TEST_LIVEKIT_API_SECRET=…  a LiveKit you run
//
// A series stops at `--count` calls, or once it has spent SERIES_BUDGET_MS with at least
// MIN_SLOW_COUNT (a list that scans 20,000 documents takes seconds a call). No agent worker is
// registered: dispatches are made (that is part of session.start) but no job runs.

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  AccessToken,
  RoomAgentDispatch,
  RoomConfiguration,
  RoomServiceClient,
  WebhookReceiver,
} from 'livekit-server-sdk';
import mongoose, { type Connection } from 'mongoose';
import { buildApp, type App } from '../../server/app.ts';
import { createHttpServer } from '../../server/http/server.ts';
import { callerWithRole } from '../../server/identity.ts';
import { appRouter } from '../../server/routers/_app.ts';
import { createTestOwner } from '../../server/testing/auth.ts';
import { webhookBody } from '../../server/testing/webhooks.ts';
import { signLiveKitWebhook } from '../../server/livekit/webhooks.ts';
import { CALL_SESSIONS_COLLECTION } from '../../server/adapters/mongoose/call-session.model.ts';
import {
  AGENTS_COLLECTION,
  AGENTS_LIST_INDEX,
} from '../../server/adapters/mongoose/agent.model.ts';
import { loadEnv } from '../../server/env.ts';
import { FIRST_WORKSPACE_ID } from '../../server/identity.ts';
import { createLogger } from '../../server/logger.ts';
import { encodeCursor } from '../../server/services/agent.service.ts';
import { startFerretDB, startLiveKit } from '../lib/processes.ts';

const AGENTS_AT_SCALE = 20_000;
/**
 * The issue asks for 100,000; on the bundled FerretDB a page of 100,000 calls did not answer
 * within the driver's 30 s socket timeout (it scans and sorts them all), so the bench stops at
 * 10,000 there. TEST_MONGODB_URI with a real MongoDB can take BENCH_CALLS=100000.
 */
const CALLS_AT_SCALE = Number(process.env.BENCH_CALLS ?? 10_000);
const INSERT_BATCH = 1000;
const PAGE_SIZE = 20;
const WARM_UP = 5;
const MIN_SLOW_COUNT = 5;
const SERIES_BUDGET_MS = 15_000;
const AGENT_NAME = 'bench-agent';

const BENCH_CONFIG = {
  instructions: 'You are a helpful receptionist. '.repeat(20),
  llm: { provider: 'openai', model: 'gpt-4o-mini', temperature: 0.4 },
  tools: ['lookup_booking', { name: 'transfer', description: 'Transfer the call' }],
  knowledgeBase: { documentIds: ['faq', 'prices'] },
  variables: { company: 'Acme', city: 'Paris' },
};
const OVERRIDES = { greeting: 'Bonjour', llm: { temperature: 0.9 }, variables: { city: 'Lyon' } };

interface Stats {
  count: number;
  median: number;
  p95: number;
}

interface Row {
  operation: string;
  agents: number;
  switchboard: Stats;
  baseline: Stats;
}

interface Target {
  /** Switchboard over tRPC's HTTP wire format. */
  switchboard: () => Promise<unknown>;
  /** The bare handler doing the same database or LiveKit work. */
  baseline: () => Promise<unknown>;
}

export async function runApiBench(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const count = parseCount(argv);
  const startedAt = performance.now();
  const say = (line: string) => process.stderr.write(`${line}\n`);

  say('bench: starting FerretDB and LiveKit (or using TEST_MONGODB_URI / TEST_LIVEKIT_*)…');
  const [database, livekit] = await Promise.all([databaseServer(), liveKitServer()]);
  const dbName = `switchboard_bench_${randomBytes(4).toString('hex')}`;
  const dbUri = withDatabase(database.uri, dbName);
  let app: App | undefined;
  let baseline: BaselineServer | undefined;
  let raw: Connection | undefined;
  try {
    app = buildApp(
      loadEnv({
        NODE_ENV: 'development',
        MONGODB_URI: dbUri,
        LIVEKIT_URL: livekit.url,
        LIVEKIT_API_KEY: livekit.apiKey,
        LIVEKIT_API_SECRET: livekit.apiSecret,
        AGENT_NAME,
        // The figures are about speed: the abuse limits stay out of the way.
        SESSION_RATE_PER_MINUTE: '100000',
        SESSION_KEY_RATE_PER_MINUTE: '100000',
        SESSION_CONCURRENT_MAX: '1000',
        // A page of many calls takes FerretDB longer than the default 15 s: measure it anyway.
        REQUEST_TIMEOUT_MS: '300000',
      }),
      createLogger({ level: 'error' }),
    );
    const { port } = await app.http.listen(0, '127.0.0.1');
    const sb = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${sb}/readyz`)).ok, 'Switchboard /readyz');

    raw = await mongoose.createConnection(dbUri, { serverSelectionTimeoutMS: 5000 }).asPromise();
    const agents = raw.db!.collection(AGENTS_COLLECTION);
    // The API creates its indexes in the background once connected; the figures need them.
    await waitFor(
      async () =>
        (await agents.indexes().catch(() => [])).some((i) => i.name === AGENTS_LIST_INDEX),
      'the agents indexes',
    );
    baseline = await startBaseline(raw, livekit);
    const base = baseline.url;

    // Every call is signed in: a secret key of an owner's workspace (as `npm run admin` makes).
    const owner = await createTestOwner(app.services);
    const trpc = {
      query: (path: string, input: unknown, headers = owner.headers) =>
        call(`${sb}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers }),
      mutate: (path: string, input: unknown) =>
        call(`${sb}/trpc/${path}`, {
          method: 'POST',
          body: JSON.stringify(input),
          headers: owner.headers,
        }),
    };

    const created = (await trpc.mutate('agents.create', {
      name: 'Bench',
      config: BENCH_CONFIG,
    })) as { result: { data: { id: string } } };
    const agentId = created.result.data.id;

    const rows: Row[] = [];
    const measureAgents = async (total: number) => {
      const ids = await sampleIds(raw!, 50);
      const deep = await positionAt(raw!, Math.floor(total / 2));
      const cursor = encodeCursor(deep);
      const deepAfter = `${deep.createdAt.getTime()}.${deep.id}`;
      let next = 0;
      const nextId = () => ids[next++ % ids.length]!;
      const series: [string, Target][] = [
        [
          'agents.get',
          {
            switchboard: () => trpc.query('agents.get', { agentId: nextId() }),
            baseline: () => call(`${base}/get?id=${nextId()}`),
          },
        ],
        [
          'agents.list first page',
          {
            switchboard: () => trpc.query('agents.list', { limit: PAGE_SIZE }),
            baseline: () => call(`${base}/list`),
          },
        ],
        [
          'agents.list deep page',
          {
            switchboard: () => trpc.query('agents.list', { limit: PAGE_SIZE, cursor }),
            baseline: () => call(`${base}/list?after=${deepAfter}`),
          },
        ],
      ];
      for (const [operation, target] of series) {
        say(`bench: ${operation} at ${total.toLocaleString('en')} agents…`);
        rows.push({ operation, agents: total, ...(await measure(target, count)) });
      }
    };

    await measureAgents(1);

    // What signing in adds: the same agents.get on the same services, once through a server that
    // takes every request as the owner without looking (what every request was before sign-in).
    say('bench: the cost of signing in (session cookie, secret key) over no sign-in…');
    const unsigned = await startUnsignedServer(app, owner.workspaceId);
    const cookie = await signInCookie(sb, owner.email, owner.password);
    const signInRows: Row[] = [];
    const oneId = agentId;
    const noSignIn = () =>
      call(
        `${unsigned.url}/trpc/agents.get?input=${encodeURIComponent(JSON.stringify({ agentId: oneId }))}`,
      );
    for (const [operation, headers] of [
      ['agents.get, cookie', { cookie }],
      ['agents.get, secret key', owner.headers],
    ] as const) {
      signInRows.push({
        operation,
        agents: 1,
        ...(await measure(
          {
            switchboard: () => trpc.query('agents.get', { agentId: oneId }, headers),
            baseline: noSignIn,
          },
          count,
        )),
      });
    }
    await unsigned.close();

    say('bench: session.start…');
    const bareSession = () =>
      call(`${base}/session`, {
        method: 'POST',
        body: JSON.stringify({ agentId, agentConfig: OVERRIDES }),
      });
    rows.push({
      operation: 'session.start',
      agents: 1,
      ...(await measure(
        {
          switchboard: () => trpc.mutate('session.start', { agentId, agentConfig: OVERRIDES }),
          baseline: bareSession,
        },
        count,
      )),
    });
    // A roomName the caller chose may exist: it is looked up and its dispatch compared.
    rows.push({
      operation: 'session.start roomName',
      agents: 1,
      ...(await measure(
        {
          switchboard: () =>
            trpc.mutate('session.start', {
              agentId,
              agentConfig: OVERRIDES,
              roomName: `given-${randomBytes(8).toString('hex')}`,
            }),
          baseline: bareSession,
        },
        count,
      )),
    });

    // Call history: a LiveKit webhook (signed as LiveKit signs it) for calls session.start made,
    // and a sessions.list page at 1,000 and CALLS_AT_SCALE calls.
    say('bench: LiveKit webhooks…');
    const callRows: Row[] = [];
    const webhookRooms: string[] = [];
    for (let i = 0; i < 10; i++) {
      const started = (await trpc.mutate('session.start', { agentId })) as {
        result: { data: { roomName: string } };
      };
      webhookRooms.push(started.result.data.roomName);
    }
    let hooks = 0;
    const sendWebhook = async (url: string) => {
      hooks++;
      const body = webhookBody({
        id: `EV_bench_${randomBytes(8).toString('hex')}`,
        event: 'participant_joined',
        createdAt: new Date(),
        room: { name: webhookRooms[hooks % webhookRooms.length]! },
        participant: { identity: `caller-${hooks}` },
      });
      const authorization = await signLiveKitWebhook({
        apiKey: livekit.apiKey,
        apiSecret: livekit.apiSecret,
        body,
      });
      return call(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/webhook+json', authorization },
      });
    };
    callRows.push({
      operation: 'webhook',
      agents: 10,
      ...(await measure(
        {
          switchboard: () => sendWebhook(`${sb}/api/livekit/webhook`),
          baseline: () => sendWebhook(`${base}/webhook`),
        },
        count,
      )),
    });
    let storedCalls = await raw.db!.collection(CALL_SESSIONS_COLLECTION).countDocuments({});
    for (const total of [1000, CALLS_AT_SCALE]) {
      await insertCalls(raw, total - storedCalls, agentId, say);
      storedCalls = total;
      say(`bench: sessions.list at ${total.toLocaleString('en')} calls…`);
      callRows.push({
        operation: 'sessions.list',
        agents: total,
        ...(await measure(
          {
            switchboard: () => trpc.query('sessions.list', { limit: PAGE_SIZE }),
            baseline: () => call(`${base}/calls`),
          },
          count,
        )),
      });
    }

    await insertAgents(raw, AGENTS_AT_SCALE - 1, say);
    await measureAgents(AGENTS_AT_SCALE);

    say('bench: the filter agents.get used before ({ _id, deletedAt: null }), bare handler…');
    const oldIds = await sampleIds(raw, 50);
    let oldNext = 0;
    const oldFilter = await measureOne(
      () => call(`${base}/get-old-filter?id=${oldIds[oldNext++ % oldIds.length]!}`),
      count,
    );

    print({
      rows,
      signInRows,
      callRows,
      oldFilter,
      database: database.label,
      livekit: livekit.url,
      seconds: (performance.now() - startedAt) / 1000,
    });
  } finally {
    await baseline?.close();
    await app?.close();
    if (raw) {
      await raw.dropDatabase().catch(() => undefined);
      await raw.close();
    }
    await livekit.stop();
    await database.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// The bare handler: the same database and LiveKit work, nothing else.

interface BaselineServer {
  url: string;
  close(): Promise<void>;
}

async function startBaseline(
  raw: Connection,
  livekit: { url: string; httpUrl: string; apiKey: string; apiSecret: string },
): Promise<BaselineServer> {
  const agents = raw.db!.collection<{
    _id: mongoose.Types.ObjectId;
    config?: unknown;
    workspaceId?: string;
    deletedAt?: Date | null;
    createdAt: Date;
  }>(AGENTS_COLLECTION);
  const rooms = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
  const objectId = (hex: string | null) => new mongoose.Types.ObjectId(hex ?? '');
  // As the adapter reads: by `_id` alone, the workspace and deletion checked in code.
  const live = <T extends { deletedAt?: Date | null; workspaceId?: string }>(doc: T | null) =>
    doc && doc.deletedAt == null && doc.workspaceId === FIRST_WORKSPACE_ID ? doc : null;

  const calls = raw.db!.collection(CALL_SESSIONS_COLLECTION);
  const events = raw.db!.collection<{ _id: string }>('bench_webhook_events');
  const receiver = new WebhookReceiver(livekit.apiKey, livekit.apiSecret);
  const routes: Record<
    string,
    (url: URL, body: string, authorization: string | undefined) => Promise<unknown>
  > = {
    // A webhook: verify its signature and store its id once (the work no receiver can skip).
    '/webhook': async (_, body, authorization) => {
      const event = await receiver.receive(body, authorization);
      await events.insertOne({ _id: event.id });
      return { outcome: 'stored' };
    },
    // A page of a workspace's calls, newest first, as the adapter asks for it.
    '/calls': async () =>
      calls
        .find({ workspaceId: FIRST_WORKSPACE_ID })
        .sort({ createdAt: -1, _id: -1 })
        .limit(PAGE_SIZE + 1)
        .toArray(),
    '/get': async (url) =>
      live(await agents.findOne({ _id: objectId(url.searchParams.get('id')) })),
    '/get-old-filter': async (url) =>
      agents.findOne({ _id: objectId(url.searchParams.get('id')), deletedAt: null }),
    '/list': async (url) => {
      const after = url.searchParams.get('after')?.split('.');
      const filter: Record<string, unknown> = { workspaceId: FIRST_WORKSPACE_ID, deletedAt: null };
      if (after) {
        const createdAt = new Date(Number(after[0]));
        filter.$or = [
          { createdAt: { $lt: createdAt } },
          { createdAt, _id: { $lt: objectId(after[1] ?? null) } },
        ];
      }
      return agents
        .find(filter)
        .sort({ createdAt: -1, _id: -1 })
        .limit(PAGE_SIZE + 1)
        .toArray();
    },
    '/session': async (_, body) => {
      const { agentId, agentConfig } = JSON.parse(body) as {
        agentId: string;
        agentConfig: Record<string, unknown>;
      };
      const agent = live(await agents.findOne({ _id: objectId(agentId) }));
      const metadata = JSON.stringify({
        agentId,
        config: { ...(agent?.config as object), ...agentConfig },
      });
      const roomName = `sb-${randomBytes(16).toString('base64url')}`;
      await rooms.createRoom({
        name: roomName,
        agents: [new RoomAgentDispatch({ agentName: AGENT_NAME, metadata })],
      });
      const token = new AccessToken(livekit.apiKey, livekit.apiSecret, {
        identity: `user-${randomBytes(9).toString('base64url')}`,
        ttl: 600,
      });
      token.addGrant({
        roomJoin: true,
        room: roomName,
        canPublish: true,
        canSubscribe: true,
        canPublishData: true,
      });
      token.roomConfig = new RoomConfiguration({
        agents: [new RoomAgentDispatch({ agentName: AGENT_NAME, metadata })],
      });
      return { roomName, token: await token.toJwt() };
    },
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const route = routes[url.pathname];
      if (!route) return void res.writeHead(404).end();
      route(url, body, req.headers.authorization).then(
        (result) => {
          const text = JSON.stringify(result);
          res.writeHead(200, {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(text),
          });
          res.end(text);
        },
        (error: unknown) => {
          res.writeHead(500).end(String(error));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Data

/** Inserts `count` agents shaped as the Mongoose model stores them, older than the existing one. */
async function insertAgents(raw: Connection, count: number, say: (line: string) => void) {
  const agents = raw.db!.collection(AGENTS_COLLECTION);
  const oldest = Date.now() - count * 1000;
  const started = performance.now();
  say(
    `bench: inserting ${count.toLocaleString('en')} agents with insertMany, ${INSERT_BATCH.toLocaleString('en')} at a time…`,
  );
  for (let done = 0; done < count;) {
    const size = Math.min(INSERT_BATCH, count - done);
    const docs = Array.from({ length: size }, (_, i) => {
      const at = new Date(oldest + (done + i) * 1000);
      return {
        workspaceId: FIRST_WORKSPACE_ID,
        name: `Agent ${done + i + 1}`,
        description: 'Seeded by npm run bench',
        config: BENCH_CONFIG,
        version: 1,
        deletedAt: null,
        createdAt: at,
        updatedAt: at,
      };
    });
    await agents.insertMany(docs, { ordered: false });
    done += size;
    if (done % 5000 === 0 || done === count) {
      say(
        `bench:   ${done.toLocaleString('en')} / ${count.toLocaleString('en')} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
    }
  }
}

async function sampleIds(raw: Connection, size: number): Promise<string[]> {
  const docs = await raw
    .db!.collection(AGENTS_COLLECTION)
    .find({}, { projection: { _id: 1 } })
    .toArray();
  const ids = docs.map((doc) => String(doc._id));
  // A fixed spread over the collection (not random: both sides read the same documents).
  const step = Math.max(1, Math.floor(ids.length / size));
  return ids.filter((_, i) => i % step === 0).slice(0, size);
}

/** The agent at `index` in list order (newest first), as a keyset position. */
async function positionAt(raw: Connection, index: number) {
  const [doc] = await raw
    .db!.collection<{ _id: mongoose.Types.ObjectId; createdAt: Date }>(AGENTS_COLLECTION)
    .find({ workspaceId: FIRST_WORKSPACE_ID, deletedAt: null }, { projection: { createdAt: 1 } })
    .sort({ createdAt: -1, _id: -1 })
    .skip(index)
    .limit(1)
    .toArray();
  if (!doc) throw new Error(`no agent at position ${index}`);
  return { id: doc._id.toHexString(), createdAt: doc.createdAt };
}

// ---------------------------------------------------------------------------------------------
// Measuring

async function call(
  url: string,
  init: RequestInit & { headers?: Record<string, string> } = {},
): Promise<unknown> {
  const response = await fetch(url, {
    ...init,
    headers: { 'content-type': 'application/json', ...init.headers },
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** A series goes on until `count` samples, or past its time budget with MIN_SLOW_COUNT of them. */
function seriesGoesOn(samples: number, count: number, startedAt: number): boolean {
  return (
    samples < count &&
    (samples < MIN_SLOW_COUNT || performance.now() - startedAt < SERIES_BUDGET_MS)
  );
}

async function measure(
  target: Target,
  count: number,
): Promise<{ switchboard: Stats; baseline: Stats }> {
  for (let i = 0; i < WARM_UP; i++) {
    const pair = (await timed(target.switchboard)) + (await timed(target.baseline));
    if (pair > 1000) break; // a slow series: one warm-up is enough
  }
  const ours: number[] = [];
  const theirs: number[] = [];
  for (const startedAt = performance.now(); seriesGoesOn(ours.length, count, startedAt);) {
    ours.push(await timed(target.switchboard));
    theirs.push(await timed(target.baseline));
  }
  return { switchboard: stats(ours), baseline: stats(theirs) };
}

async function measureOne(fn: () => Promise<unknown>, count: number): Promise<Stats> {
  await fn();
  const samples: number[] = [];
  for (const startedAt = performance.now(); seriesGoesOn(samples.length, count, startedAt);) {
    samples.push(await timed(fn));
  }
  return stats(samples);
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const pick = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { count: sorted.length, median: pick(0.5), p95: pick(0.95) };
}

function print(report: {
  rows: Row[];
  signInRows: Row[];
  callRows: Row[];
  oldFilter: Stats;
  database: string;
  livekit: string;
  seconds: number;
}): void {
  const ms = (x: number) => (x < 100 ? x.toFixed(2) : x.toFixed(0));
  const pair = (s: Stats) => `${ms(s.median)} / ${ms(s.p95)} ms`.padStart(22);
  const ratio = (a: Stats, b: Stats) =>
    `${(a.median / b.median).toFixed(1)}× / ${(a.p95 / b.p95).toFixed(1)}×`.padStart(16);
  const lines = [
    '',
    `Switchboard next to a bare node:http handler doing the same database or LiveKit work`,
    `database ${report.database}; LiveKit ${report.livekit}; node ${process.version}; calls sequential over HTTP on 127.0.0.1, the two interleaved`,
    '',
    `${'operation'.padEnd(24)}${'agents'.padStart(7)}${'n'.padStart(5)}${'Switchboard med / p95'.padStart(24)}${'bare handler med / p95'.padStart(24)}${'ratio med / p95'.padStart(17)}`,
    ...report.rows.map(
      (row) =>
        `${row.operation.padEnd(24)}${row.agents.toLocaleString('en').padStart(7)}${String(row.switchboard.count).padStart(5)}  ${pair(row.switchboard)}  ${pair(row.baseline)} ${ratio(row.switchboard, row.baseline)}`,
    ),
    '',
    `What signing in adds to a request: agents.get signed in, beside the same services answering every request as the owner without looking (n, med / p95)`,
    ...report.signInRows.map(
      (row) =>
        `${row.operation.padEnd(24)}${''.padStart(7)}${String(row.switchboard.count).padStart(5)}  ${pair(row.switchboard)}  ${pair(row.baseline)} ${ratio(row.switchboard, row.baseline)}   +${ms(row.switchboard.median - row.baseline.median)} ms median`,
    ),
    `(cookie: better-auth reads the session and its user, then the membership; key: one look-up by hash. On FerretDB each is a scan; on MongoDB an index seek.)`,
    '',
    `Call history, beside a bare handler (webhook: verify the signature, store the event id once; list: the same find) (calls, n, med / p95)`,
    ...report.callRows.map(
      (row) =>
        `${row.operation.padEnd(24)}${row.agents.toLocaleString('en').padStart(7)}${String(row.switchboard.count).padStart(5)}  ${pair(row.switchboard)}  ${pair(row.baseline)} ${ratio(row.switchboard, row.baseline)}`,
    ),
    `(webhook: participant_joined for one of 10 calls, each gaining events as the series goes; Switchboard also stores the event, re-derives the call from all its events and saves it. sessions.list: the first page of ${PAGE_SIZE}, newest first; on MongoDB the index workspace_newest_first answers it.)`,
    '',
    `For comparison, agents.get's filter before this change ({ _id, deletedAt: null }) in the bare handler at ${AGENTS_AT_SCALE.toLocaleString('en')} agents: ${ms(report.oldFilter.median)} / ${ms(report.oldFilter.p95)} ms (median / p95, n ${report.oldFilter.count}).`,
    `Pages of ${PAGE_SIZE}; the deep page starts halfway down the list (at 1 agent: after it, an empty page). A series stops after ${SERIES_BUDGET_MS / 1000} s with at least ${MIN_SLOW_COUNT} calls: with few calls, p95 is the maximum.`,
    `session.start: load the agent, resolve the config, record the room (one insert), one CreateRoom carrying the dispatch, sign the token (bare handler: the same read, CreateRoom and token).`,
    `session.start roomName: a room name the caller gave, which may exist: ListRooms and the room record, the claim (one insert), ListRooms, CreateRoom, ListDispatch, then the token (same bare handler).`,
    `Whole run: ${report.seconds.toFixed(0)} s.`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

function parseCount(argv: readonly string[]): number {
  const index = argv.indexOf('--count');
  if (index === -1) return 100;
  const count = Number(argv[index + 1]);
  if (!Number.isInteger(count) || count < 20 || count > 2000) {
    throw new Error('--count must be an integer from 20 to 2000');
  }
  return count;
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`bench: ${what} not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// ---------------------------------------------------------------------------------------------
// Servers: ours on loopback, or the ones named in TEST_* (loopback only).

const LOOPBACK_URL = /^(mongodb|wss?|https?):\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/;

/** The URI with its database replaced by `name` (options kept). */
function withDatabase(uri: string, name: string): string {
  const match = /^(mongodb:\/\/[^/?]*)(\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!match) throw new Error(`not a mongodb:// URI: ${uri}`);
  return `${match[1]}/${name}${match[3] ?? ''}`;
}

async function databaseServer(): Promise<{ uri: string; label: string; stop(): Promise<void> }> {
  const given = process.env.TEST_MONGODB_URI;
  if (given) {
    if (!LOOPBACK_URL.test(`${given}/`)) {
      throw new Error(`TEST_MONGODB_URI must be on loopback for the benchmark (got ${given})`);
    }
    return { uri: given, label: `${given} (TEST_MONGODB_URI)`, stop: async () => undefined };
  }
  const ferretdb = await startFerretDB();
  return {
    uri: ferretdb.uri,
    label: `the bundled FerretDB 1.24 on SQLite at ${ferretdb.uri}`,
    stop: () => ferretdb.stop(),
  };
}

async function liveKitServer(): Promise<{
  url: string;
  httpUrl: string;
  apiKey: string;
  apiSecret: string;
  stop(): Promise<void>;
}> {
  const {
    TEST_LIVEKIT_URL: url,
    TEST_LIVEKIT_API_KEY: apiKey,
    TEST_LIVEKIT_API_SECRET: apiSecret,
  } = process.env;
  if (url && apiKey && apiSecret) {
    if (!LOOPBACK_URL.test(`${url}/`)) {
      throw new Error(`TEST_LIVEKIT_URL must be on loopback for the benchmark (got ${url})`);
    }
    // Its rooms empty out by themselves (LiveKit's empty timeout); nothing to clean.
    return {
      url,
      httpUrl: url.replace(/^ws/, 'http'),
      apiKey,
      apiSecret,
      stop: async () => undefined,
    };
  }
  const started = await startLiveKit();
  return {
    url: started.url,
    httpUrl: started.httpUrl,
    apiKey: started.apiKey,
    apiSecret: started.apiSecret,
    stop: () => started.stop(),
  };
}

// ---------------------------------------------------------------------------------------------
// Signing in

/** The app's services behind a server that takes every request as the owner, unauthenticated. */
async function startUnsignedServer(app: App, workspaceId: string) {
  const logger = createLogger({ level: 'error' });
  const server = createHttpServer({
    router: appRouter,
    context: {
      services: app.services,
      logger,
      authenticate: async () => ({
        caller: callerWithRole(workspaceId, 'owner'),
        user: null,
        failure: null,
      }),
    },
    logger,
    bodyLimitBytes: 1024 * 1024,
    requestTimeoutMs: 15_000,
    readiness: async () => {},
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}`, close: () => server.shutdown(1000) };
}

/** A session cookie (`name=value`) from signing in over HTTP. */
async function signInCookie(base: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${base}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const cookie = response.headers.getSetCookie().find((c) => c.includes('session_token='));
  if (!response.ok || !cookie) throw new Error(`sign-in answered ${response.status}`);
  return cookie.split(';', 1)[0]!;
}

/** `count` ended calls of the first workspace, as the call store writes them, a second apart. */
async function insertCalls(
  raw: Connection,
  count: number,
  agentId: string,
  say: (line: string) => void,
) {
  const collection = raw.db!.collection(CALL_SESSIONS_COLLECTION);
  const start = Date.now() - 60_000;
  const existing = await collection.countDocuments({});
  for (let done = 0; done < count;) {
    const batch = Math.min(INSERT_BATCH, count - done);
    await collection.insertMany(
      Array.from({ length: batch }, (_, i) => {
        const n = existing + done + i;
        const createdAt = new Date(start - n * 1000);
        return {
          workspaceId: FIRST_WORKSPACE_ID,
          type: 'web',
          agentId,
          roomName: `bench-call-${n}`,
          config: BENCH_CONFIG,
          configHash: 'b'.repeat(64),
          overrides: null,
          startedBy: 'api-key:bench',
          createdAt,
          status: 'ended',
          roomSid: null,
          activeAt: createdAt,
          endedAt: new Date(createdAt.getTime() + 90_000),
          endedReason: 'room-finished',
          participants: [],
        };
      }),
    );
    done += batch;
    if (done % 20_000 === 0 || done === count) {
      say(`bench:   ${(existing + done).toLocaleString('en')} calls stored`);
    }
  }
}
