// session.start end to end, against what the test run started itself (scripts/testing/global-setup.ts): a
// real LiveKit server, a real MongoDB-protocol database, the HTTP server over a tRPC client, and
// a real agent worker (@livekit/agents, scripts/testing/agent-worker/worker.ts) registered as AGENT_NAME.

import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { dispose, Room } from '@livekit/rtc-node';
import { AgentDispatchClient, RoomServiceClient } from 'livekit-server-sdk';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  agentJobMetadataSchema,
  JOB_METADATA_MAX_BYTES,
  sessionStartOutputSchema,
  type SessionStartOutput,
} from '../../shared/session.schema.ts';
import { startTestWorker, type TestWorker } from '../../scripts/testing/agent-worker/spawn.ts';
import { buildAgentInput } from '../testing/builders.ts';
import { dropTestDatabase, testDatabaseUri, testLiveKit } from '../../scripts/testing/services.ts';
import { buildApp, type App } from '../app.ts';
import { createTestOwner, type TestOwner } from '../testing/auth.ts';
import { loadEnv } from '../env.ts';
import { createMemoryLogger } from '../logger.ts';
import type { AppRouter } from './_app.ts';

// Our own agent name: no other worker on this LiveKit can take our jobs, and ours takes no others'.
const AGENT_NAME = `sb-int-${randomBytes(4).toString('hex')}`;

const livekit = testLiveKit();
const databaseUri = testDatabaseUri(import.meta.url);
const logger = createMemoryLogger('debug');
const issuedTokens: string[] = [];
const roomService = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
const dispatchService = new AgentDispatchClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
const openRooms: Room[] = [];

let worker: TestWorker;
let app: App;
let client: ReturnType<typeof trpcClient>;
let appPort: number;
let appOwner: TestOwner;

const liveKitEnv = {
  LIVEKIT_URL: livekit.url,
  LIVEKIT_API_KEY: livekit.apiKey,
  LIVEKIT_API_SECRET: livekit.apiSecret,
  AGENT_NAME,
};

function trpcClient(port: number, headers: Record<string, string>) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `http://127.0.0.1:${port}/trpc`, headers })],
  });
}

/** The app on a free port, with an owner whose secret key the returned client sends. */
async function startApp(env: Record<string, string>, appLogger = createMemoryLogger()) {
  const started = buildApp(loadEnv({ NODE_ENV: 'test', LOG_LEVEL: 'debug', ...env }), appLogger);
  const address = await started.http.listen(0, '127.0.0.1');
  if (env.MONGODB_URI) await waitUntilReady(address.port);
  const owner = await createTestOwner(started.services);
  return {
    app: started,
    client: trpcClient(address.port, owner.headers),
    port: address.port,
    owner,
  };
}

/** The database connects in the background (`bufferCommands: false`): wait for /readyz. */
async function waitUntilReady(port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    if (response?.ok) return;
    if (Date.now() > deadline) throw new Error(`the server was not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs fn against a server of its own (other settings), closed afterwards. */
async function withApp<T>(
  env: Record<string, string>,
  fn: (c: ReturnType<typeof trpcClient>) => Promise<T>,
) {
  const other = await startApp(env);
  try {
    return await fn(other.client);
  } finally {
    await other.app.close();
  }
}

async function start(
  input: Parameters<typeof client.session.start.mutate>[0],
): Promise<SessionStartOutput> {
  const session = await client.session.start.mutate(input);
  issuedTokens.push(session.participantToken);
  return session;
}

async function clientError(promise: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return error as TRPCClientError<AppRouter>;
}

const dispatchesOfAgent = async (roomName: string) =>
  (await dispatchService.listDispatch(roomName)).filter((d) => d.agentName === AGENT_NAME);
const jobsIn = (roomName: string) =>
  worker.reports().filter((r) => r.event === 'job' && r.roomName === roomName);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Joins as a real participant (WebRTC via @livekit/rtc-node) with the session's token. */
async function join(session: SessionStartOutput): Promise<Room> {
  const room = new Room();
  openRooms.push(room);
  await room.connect(session.serverUrl, session.participantToken, {
    autoSubscribe: false,
    dynacast: false,
  });
  return room;
}

beforeAll(async () => {
  // The worker first: a dispatch made before a worker of that name registered is not retried.
  worker = await startTestWorker({ livekit, agentName: AGENT_NAME });
  ({
    app,
    client,
    port: appPort,
    owner: appOwner,
  } = await startApp({ MONGODB_URI: databaseUri, ...liveKitEnv }, logger));
});

afterAll(async () => {
  for (const room of openRooms) await room.disconnect().catch(() => undefined);
  await app?.close();
  await worker?.stop();
  await dispose();
  const connection = await mongoose.createConnection(databaseUri).asPromise();
  await dropTestDatabase(connection);
});

describe('session.start against a real LiveKit and a real agent worker', () => {
  let agentId: string;
  let first: SessionStartOutput;

  test('a saved agent plus overrides reaches the agent worker as job metadata, exactly once (a generated room: one CreateRoom carrying the dispatch)', async () => {
    const agent = await client.agents.create.mutate(
      buildAgentInput({
        config: {
          instructions: 'You are a helpful receptionist.',
          llm: { provider: 'openai', model: 'gpt-4o-mini', temperature: 0.4 },
          tools: ['lookup_booking'],
          knowledgeBase: { documentIds: ['faq'] },
          variables: { company: 'Acme', city: 'Paris' },
        },
      }),
    );
    agentId = agent.id;
    first = await start({
      agentId,
      agentConfig: { greeting: 'Bonjour', llm: { temperature: 0.9 }, variables: { city: 'Lyon' } },
      userIdentity: 'caller-1',
    });
    expect(sessionStartOutputSchema.parse(first)).toEqual(first);
    expect(first).toMatchObject({
      serverUrl: livekit.url,
      agentName: AGENT_NAME,
      agentId,
      participantIdentity: 'caller-1',
      config: {
        greeting: 'Bonjour',
        llm: { provider: 'openai', model: 'gpt-4o-mini', temperature: 0.9 },
        tools: [{ name: 'lookup_booking' }],
        variables: { company: 'Acme', city: 'Lyon' },
        rag: { enabled: true, documentIds: ['faq'], topK: 5 },
      },
    });
    const expected = { agentId, config: first.config };

    // LiveKit holds exactly one dispatch of AGENT_NAME, carrying the merged config.
    const dispatches = await dispatchesOfAgent(first.roomName);
    expect(dispatches).toHaveLength(1);
    const withReport = {
      ...expected,
      report: expect.objectContaining({ url: expect.any(String) as unknown }) as unknown,
    };
    expect(agentJobMetadataSchema.parse(JSON.parse(dispatches[0]?.metadata ?? ''))).toEqual(
      withReport,
    );

    // The worker got the job with that metadata: the round trip a Python worker relies on.
    const job = await worker.waitFor((r) => r.event === 'job' && r.roomName === first.roomName);
    expect(job).toMatchObject({ agentName: AGENT_NAME, dispatchId: dispatches[0]?.id });
    expect(agentJobMetadataSchema.parse(JSON.parse(job.metadata ?? ''))).toEqual(withReport);
    await worker.waitFor((r) => r.event === 'connected' && r.roomName === first.roomName);

    // The token lets a real participant in; LiveKit lists it beside the agent.
    const room = await join(first);
    expect(room.isConnected).toBe(true);
    const identities = (await roomService.listParticipants(first.roomName)).map((p) => p.identity);
    expect(identities).toContain('caller-1');
    expect(identities).toContain(`agent-${job.jobId}`);

    // Exactly once: the participant's join (whose token also names the agent) dispatched nothing.
    await sleep(1500);
    expect(jobsIn(first.roomName)).toHaveLength(1);
    expect(await dispatchesOfAgent(first.roomName)).toHaveLength(1);
  });

  test('a second start for that room with the same agent and config joins it: no second dispatch, no second job', async () => {
    const second = await start({
      agentId,
      agentConfig: { variables: { city: 'Lyon' }, llm: { temperature: 0.9 }, greeting: 'Bonjour' },
      userIdentity: 'caller-2',
      roomName: first.roomName,
    });
    expect(second).toMatchObject({
      roomName: first.roomName,
      participantIdentity: 'caller-2',
      config: first.config,
    });
    await join(second);
    const identities = (await roomService.listParticipants(first.roomName)).map((p) => p.identity);
    expect(identities).toEqual(expect.arrayContaining(['caller-1', 'caller-2']));
    await sleep(1500);
    expect(await dispatchesOfAgent(first.roomName)).toHaveLength(1);
    expect(jobsIn(first.roomName)).toHaveLength(1);
  });

  test('a second start for that room with another config is a CONFLICT and changes nothing', async () => {
    // What a dispatch is (not the state of its job, which the worker moves on its own).
    const identity = async () =>
      (await dispatchesOfAgent(first.roomName)).map(({ id, agentName, metadata }) => ({
        id,
        agentName,
        metadata,
      }));
    const before = await identity();
    expect(before).toHaveLength(1);
    const error = await clientError(
      client.session.start.mutate({
        agentId,
        agentConfig: { greeting: 'Hola' },
        roomName: first.roomName,
      }),
    );
    expect(error.data).toMatchObject({ code: 'CONFLICT', httpStatus: 409 });
    expect(error.message).toContain(`Room "${first.roomName}" already has agent "${AGENT_NAME}"`);
    expect(await identity()).toEqual(before);
  });

  test('a room made directly in LiveKit, not by Switchboard, is a 404 and gets no dispatch', async () => {
    const roomName = `elsewhere-${randomBytes(4).toString('hex')}`;
    await roomService.createRoom({ name: roomName }); // e.g. made by a participant's plain join
    const error = await clientError(client.session.start.mutate({ roomName }));
    expect(error.data).toMatchObject({
      code: 'NOT_FOUND',
      httpStatus: 404,
      issues: [{ path: ['roomName'] }],
      details: { reason: 'not-found', resource: 'room', id: roomName },
    });
    expect(await dispatchesOfAgent(roomName)).toEqual([]);
  });

  test('the identity of a participant connected to the room is a 409 identity-in-use', async () => {
    // caller-1 joined the first room over WebRTC in the first test.
    const error = await clientError(
      client.session.start.mutate({
        agentId,
        roomName: first.roomName,
        userIdentity: 'caller-1',
      }),
    );
    expect(error.data).toMatchObject({
      code: 'CONFLICT',
      httpStatus: 409,
      issues: [{ path: ['userIdentity'] }],
      details: { reason: 'identity-in-use', roomName: first.roomName, identity: 'caller-1' },
    });
  });

  test('racing starts for a new room name make one dispatch and one job', async () => {
    const roomName = `race-${randomBytes(4).toString('hex')}`;
    const sessions = await Promise.all(
      ['r1', 'r2', 'r3'].map((userIdentity) =>
        start({ roomName, userIdentity, agentConfig: { greeting: 'race' } }),
      ),
    );
    expect(sessions.map((s) => s.participantIdentity)).toEqual(['r1', 'r2', 'r3']);
    const dispatches = await dispatchesOfAgent(roomName);
    expect(dispatches).toHaveLength(1);
    expect(agentJobMetadataSchema.parse(JSON.parse(dispatches[0]?.metadata ?? ''))).toEqual({
      agentId: null,
      config: sessions[0]?.config,
      report: expect.objectContaining({
        token: expect.stringMatching(/^sb_rpt_/) as unknown,
      }) as unknown,
    });
    await worker.waitFor((r) => r.event === 'job' && r.roomName === roomName);
    await sleep(1000);
    expect(jobsIn(roomName)).toHaveLength(1);
  });

  test('a session pinned to version 1 reaches the worker with version 1’s config after version 2 is published', async () => {
    const agent = await client.agents.create.mutate(
      buildAgentInput({ config: { instructions: 'Version one.', llm: { provider: 'openai' } } }),
    );
    await client.agents.update.mutate({
      agentId: agent.id,
      config: { instructions: 'Version two.', llm: { provider: 'openai' } },
    });
    const published = await client.agents.publish.mutate({ agentId: agent.id });
    expect(published).toMatchObject({ status: 'published', version: { version: 2 } });

    const pinned = await start({ agentId: agent.id, agentVersion: 1 });
    const job = await worker.waitFor((r) => r.event === 'job' && r.roomName === pinned.roomName);
    const metadata = agentJobMetadataSchema.parse(JSON.parse(job.metadata ?? ''));
    expect(metadata).toMatchObject({ agentId: agent.id, config: { instructions: 'Version one.' } });
    const call = await client.sessions.get.query({ sessionId: pinned.sessionId ?? '' });
    expect(call).toMatchObject({ agentVersion: 1, config: metadata.config });
    expect(jobsIn(pinned.roomName)).toHaveLength(1);
  });

  test('job metadata over the limit is a BAD_REQUEST, and LiveKit never hears of the room', async () => {
    const roomName = `big-${randomBytes(4).toString('hex')}`;
    const half = 'y'.repeat(JOB_METADATA_MAX_BYTES / 2);
    const big = await client.agents.create.mutate({ name: 'Big', config: { instructions: half } });
    const error = await clientError(
      client.session.start.mutate({ agentId: big.id, agentConfig: { notes: half }, roomName }),
    );
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
    expect(error.message).toMatch(
      /^job metadata \(agentId \+ resolved config\) is [\d.]+ KiB; the limit is 64 KiB/,
    );
    expect(await roomService.listRooms([roomName])).toEqual([]);
  });

  test('a forbidden key in the raw JSON body is a BAD_REQUEST naming its path; nothing reaches LiveKit', async () => {
    const roomName = `proto-${randomBytes(4).toString('hex')}`;
    const response = await fetch(`http://127.0.0.1:${appPort}/trpc/session.start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...appOwner.headers },
      body: `{"roomName":"${roomName}","agentConfig":{"variables":{"__proto__":{"polluted":"1"}}}}`,
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(
      /^agentConfig\.variables\.__proto__: the key "__proto__" is not allowed/,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await roomService.listRooms([roomName])).toEqual([]);
  });

  test('an unknown or deleted agent is NOT_FOUND', async () => {
    const gone = await client.agents.create.mutate({ name: 'Gone' });
    await client.agents.delete.mutate({ agentId: gone.id });
    for (const id of ['0123456789abcdef01234567', gone.id]) {
      const error = await clientError(client.session.start.mutate({ agentId: id }));
      expect(error.data).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404 });
    }
  });
});

describe('session.start when a dependency is missing or down', () => {
  test('without LiveKit settings: SERVICE_UNAVAILABLE "LiveKit is not configured"', async () => {
    await withApp({}, async (other) => {
      const error = await clientError(other.session.start.mutate({}));
      expect(error.data).toMatchObject({ code: 'SERVICE_UNAVAILABLE', httpStatus: 503 });
      expect(error.message).toBe('LiveKit is not configured');
    });
  });

  test('LiveKit not listening: SERVICE_UNAVAILABLE at once, from the refused connection', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    // A timeout longer than the test's own: the answer can only come from the refused connection.
    await withApp(
      { ...liveKitEnv, LIVEKIT_URL: `ws://127.0.0.1:${port}`, LIVEKIT_TIMEOUT_MS: '60000' },
      async (other) => {
        const error = await clientError(other.session.start.mutate({}));
        expect(error.data).toMatchObject({ code: 'SERVICE_UNAVAILABLE', httpStatus: 503 });
        expect(error.message).toMatch(/^LiveKit is not answering \(cannot connect\)/);
      },
    );
  });

  test('LiveKit accepting but never answering: SERVICE_UNAVAILABLE within LIVEKIT_TIMEOUT_MS', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      await withApp(
        { ...liveKitEnv, LIVEKIT_URL: `ws://127.0.0.1:${port}`, LIVEKIT_TIMEOUT_MS: '1000' },
        async (other) => {
          // The message names the timeout that fired; when it fires exactly is proven with fake
          // timers in livekit-rooms.test.ts.
          const error = await clientError(other.session.start.mutate({}));
          expect(error.data).toMatchObject({ code: 'SERVICE_UNAVAILABLE', httpStatus: 503 });
          expect(error.message).toBe(
            'LiveKit is not answering (no reply within 1000 ms); try again shortly',
          );
        },
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test('a wrong API secret: SERVICE_UNAVAILABLE naming the settings', async () => {
    await withApp(
      { ...liveKitEnv, LIVEKIT_API_SECRET: `${livekit.apiSecret}-wrong` },
      async (other) => {
        const error = await clientError(other.session.start.mutate({}));
        expect(error.data).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
        expect(error.message).toMatch(/check LIVEKIT_API_KEY and LIVEKIT_API_SECRET$/);
      },
    );
  });

  test('an agentId without persistence: SERVICE_UNAVAILABLE "Persistence is not configured"', async () => {
    await withApp(
      { ...liveKitEnv, NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(32) },
      async (other) => {
        const error = await clientError(
          other.session.start.mutate({ agentId: '0123456789abcdef01234567' }),
        );
        expect(error.data).toMatchObject({ code: 'SERVICE_UNAVAILABLE', httpStatus: 503 });
        expect(error.message).toBe('Persistence is not configured');
      },
    );
  });
});

describe('the API secret never leaves the server', () => {
  test('no response and no log line of this file’s server holds the secret or a participant token', async () => {
    const session = await start({ agentConfig: { greeting: 'last' } });
    expect(JSON.stringify(session)).not.toContain(livekit.apiSecret);
    expect(issuedTokens.length).toBeGreaterThanOrEqual(6);
    const logged = logger.lines.join('\n');
    expect(logged).toContain('session started');
    expect(logged).not.toContain(livekit.apiSecret);
    for (const token of issuedTokens) expect(logged).not.toContain(token);
  });
});
