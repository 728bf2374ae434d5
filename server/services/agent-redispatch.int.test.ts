// A call survives a busy worker pool, against what the test run started itself: a real LiveKit
// (its webhooks relayed to this app), FerretDB, and real agent workers that refuse job requests
// as a worker at capacity does (WORKER_REFUSE_JOBS). LiveKit offers a refused job to no one
// again; Switchboard's watcher dispatches it again, or gives up at the deadline.

import { randomBytes } from 'node:crypto';
import { dispose, Room } from '@livekit/rtc-node';
import { createTRPCClient, httpLink } from '@trpc/client';
import { AccessToken, AgentDispatchClient, RoomServiceClient } from 'livekit-server-sdk';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { CallSessionDetail } from '../../shared/call-session.schema.ts';
import { startTestWorker, type TestWorker } from '../../scripts/testing/agent-worker/spawn.ts';
import {
  dropTestDatabase,
  registerWebhookTarget,
  testDatabaseUri,
  testLiveKit,
} from '../../scripts/testing/services.ts';
import { createMongooseCallSessionStore } from '../adapters/mongoose/call-session-store.mongoose.ts';
import { buildApp, type App } from '../app.ts';
import { loadEnv } from '../env.ts';
import { LIVEKIT_WEBHOOK_PATH } from '../http/server.ts';
import { createLiveKitRooms } from '../livekit/livekit-rooms.ts';
import { createMemoryLogger } from '../logger.ts';
import type { AppRouter } from '../routers/_app.ts';
import { createTestOwner } from '../testing/auth.ts';
import { buildServices, TEST_WORKSPACE_ID } from '../testing/builders.ts';

const livekit = testLiveKit();
const suffix = randomBytes(4).toString('hex');
/** Refuses its first job, then accepts. */
const BUSY_AT_FIRST = `sb-busy-first-${suffix}`;
/** Refuses every job. */
const ALWAYS_FULL = `sb-always-full-${suffix}`;
const databaseUri = testDatabaseUri(import.meta.url);
const roomService = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
const dispatchService = new AgentDispatchClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
const openRooms: Room[] = [];

let busyAtFirst: TestWorker;
let alwaysFull: TestWorker;
let app: App;
let unregister: () => Promise<void>;
let client: ReturnType<typeof createTRPCClient<AppRouter>>;

beforeAll(async () => {
  [busyAtFirst, alwaysFull] = await Promise.all([
    startTestWorker({ livekit, agentName: BUSY_AT_FIRST, refuseJobs: 1 }),
    startTestWorker({ livekit, agentName: ALWAYS_FULL, refuseJobs: 1_000 }),
  ]);
  app = buildApp(
    loadEnv({
      NODE_ENV: 'test',
      LOG_LEVEL: 'debug',
      MONGODB_URI: databaseUri,
      LIVEKIT_URL: livekit.url,
      LIVEKIT_API_KEY: livekit.apiKey,
      LIVEKIT_API_SECRET: livekit.apiSecret,
      AGENT_NAME: BUSY_AT_FIRST,
      // The first re-dispatch 3 s after the start (the next at 9 s), not 5 s, to be quicker; a
      // worker's answer to a job request (seconds on a busy machine) must fit in between: a job
      // offered and not yet answered is not listed in its dispatch, just like a refused one.
      AGENT_REDISPATCH_DELAY_MS: '3000',
    }),
    createMemoryLogger('debug'),
  );
  const { port } = await app.http.listen(0, '127.0.0.1');
  await vi.waitFor(
    async () => {
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    },
    { timeout: 20_000, interval: 100 },
  );
  await app.firstStart;
  const owner = await createTestOwner(app.services);
  client = createTRPCClient<AppRouter>({
    links: [httpLink({ url: `http://127.0.0.1:${port}/trpc`, headers: owner.headers })],
  });
  unregister = await registerWebhookTarget(`http://127.0.0.1:${port}${LIVEKIT_WEBHOOK_PATH}`);
}, 120_000);

afterAll(async () => {
  for (const room of openRooms.splice(0)) await room.disconnect().catch(() => undefined);
  await unregister?.();
  await busyAtFirst?.stop();
  await alwaysFull?.stop();
  await app?.close();
  await dispose();
  await dropTestDatabase(await mongoose.createConnection(databaseUri).asPromise());
});

async function join(roomName: string, identity: string): Promise<Room> {
  const token = new AccessToken(livekit.apiKey, livekit.apiSecret, { identity, ttl: '10m' });
  token.addGrant({ roomJoin: true, room: roomName, canPublish: true, canSubscribe: true });
  const room = new Room();
  openRooms.push(room);
  await room.connect(livekit.url, await token.toJwt(), { autoSubscribe: false, dynacast: false });
  return room;
}

async function callWhen(
  sessionId: string,
  check: (call: CallSessionDetail) => void,
): Promise<CallSessionDetail> {
  return vi.waitFor(
    async () => {
      const call = await client.sessions.get.query({ sessionId });
      check(call);
      return call;
    },
    { timeout: 30_000, interval: 200 },
  );
}

describe('a worker pool at capacity', () => {
  test('the first dispatch is refused; Switchboard dispatches again, the agent joins, the call goes active with one dispatch in the room', async () => {
    const started = await client.session.start.mutate({});
    const sessionId = started.sessionId!;
    const refused = await busyAtFirst.waitFor(
      (r) => r.event === 'refused' && r.roomName === started.roomName,
      30_000,
    );
    // The job a worker took is the re-dispatch's, not LiveKit retrying the refused one.
    const job = await busyAtFirst.waitFor(
      (r) => r.event === 'job' && r.roomName === started.roomName,
      30_000,
    );
    expect(job.dispatchId).not.toBe(refused.dispatchId);
    await busyAtFirst.waitFor((r) => r.event === 'connected' && r.roomName === started.roomName);

    const withAgent = await callWhen(sessionId, (c) =>
      expect(c.participants.map((p) => p.kind)).toContain('agent'),
    );
    expect(withAgent).toMatchObject({ status: 'started', dispatchId: job.dispatchId });
    expect(withAgent.events.map((e) => e.type)).toContain('agent_redispatched');

    await join(started.roomName, 'caller-1');
    const active = await callWhen(sessionId, (c) => expect(c.status).toBe('active'));
    expect(active.participants).toContainEqual(
      expect.objectContaining({ kind: 'agent', leftAt: null }),
    );
    const dispatches = await dispatchService.listDispatch(started.roomName);
    expect(dispatches.map((d) => d.id)).toEqual([job.dispatchId]);
    // Exactly one agent job ran for the call.
    expect(
      busyAtFirst.reports().filter((r) => r.event === 'job' && r.roomName === started.roomName),
    ).toHaveLength(1);
    await roomService.deleteRoom(started.roomName);
  });

  test('a worker that never accepts: dispatched again with backoff, then no-agent-available at the deadline and the room deleted', async () => {
    // Services of their own (no webhooks reach them), short backoff and deadline, the watcher
    // driven by hand the way the periodic job drives it.
    const uri = testDatabaseUri('agent_redispatch_deadline');
    const connection = await mongoose
      .createConnection(uri, { bufferCommands: false, serverSelectionTimeoutMS: 5000 })
      .asPromise();
    try {
      const store = createMongooseCallSessionStore(connection);
      await store.ensureIndexes();
      const services = buildServices({
        rooms: createLiveKitRooms({ ...livekit, timeoutMs: 10_000 }),
        agentName: ALWAYS_FULL,
        callSessionStore: store,
        redispatch: { firstDelayMs: 500, deadlineMs: 4_000 },
      });
      const started = await services.session.start(
        { workspaceId: TEST_WORKSPACE_ID, actor: { kind: 'local', id: 'local' } },
        {},
      );
      const sessionId = started.sessionId!;
      const ended = await vi.waitFor(
        async () => {
          await services.calls.watchAgents();
          const call = await services.calls.get(TEST_WORKSPACE_ID, sessionId);
          expect(call.status).toBe('ended');
          return call;
        },
        { timeout: 30_000, interval: 250 },
      );
      expect(ended.endedReason).toBe('no-agent-available');
      const redispatches = ended.events.filter((e) => e.type === 'agent_redispatched');
      expect(redispatches.length).toBeGreaterThanOrEqual(1);
      expect(ended.events.map((e) => e.type)).toContain('no_agent_available');
      // Every dispatch was offered to the worker and refused; none was ever taken.
      const refusals = alwaysFull
        .reports()
        .filter((r) => r.event === 'refused' && r.roomName === started.roomName);
      expect(refusals.length).toBeGreaterThanOrEqual(1);
      expect(
        alwaysFull.reports().filter((r) => r.event === 'job' && r.roomName === started.roomName),
      ).toEqual([]);
      expect(await roomService.listRooms([started.roomName])).toEqual([]);
    } finally {
      await dropTestDatabase(connection);
    }
  });
});
