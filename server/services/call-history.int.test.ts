// Call history against what the test run started itself (scripts/testing/global-setup.ts): a real
// LiveKit whose webhooks reach this app through the test services' relay, FerretDB, and a real
// agent worker. Nothing here is signed by the test: every webhook is LiveKit's own.

import { createHash, randomBytes } from 'node:crypto';
import { dispose, Room } from '@livekit/rtc-node';
import { createTRPCClient, httpLink } from '@trpc/client';
import { AccessToken, RoomServiceClient } from 'livekit-server-sdk';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { canonicalJson } from '../../shared/canonical-json.ts';
import type { CallSession } from '../../shared/call-session.schema.ts';
import { agentJobMetadataSchema } from '../../shared/session.schema.ts';
import { startTestWorker, type TestWorker } from '../../scripts/testing/agent-worker/spawn.ts';
import {
  dropTestDatabase,
  registerWebhookTarget,
  testDatabaseUri,
  testLiveKit,
} from '../../scripts/testing/services.ts';
import { buildApp, type App } from '../app.ts';
import { loadEnv } from '../env.ts';
import { LIVEKIT_WEBHOOK_PATH } from '../http/server.ts';
import { createMemoryLogger } from '../logger.ts';
import type { AppRouter } from '../routers/_app.ts';
import { createTestOwner } from '../testing/auth.ts';
import { createMongooseCallSessionStore } from '../adapters/mongoose/call-session-store.mongoose.ts';
import { createLiveKitRooms } from '../livekit/livekit-rooms.ts';
import { buildServices, TEST_WORKSPACE_ID } from '../testing/builders.ts';
import { RECONCILE_GRACE_MS } from './call-history.service.ts';

const localOwner = {
  workspaceId: TEST_WORKSPACE_ID,
  actor: { kind: 'local', id: 'local' },
} as const;
const AGENT_NAME = `sb-calls-${randomBytes(4).toString('hex')}`;
const livekit = testLiveKit();
const databaseUri = testDatabaseUri(import.meta.url);
const roomService = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
const openRooms: Room[] = [];

let worker: TestWorker;
let app: App;
let unregister: () => Promise<void>;
let client: ReturnType<typeof createTRPCClient<AppRouter>>;

beforeAll(async () => {
  worker = await startTestWorker({ livekit, agentName: AGENT_NAME });
  app = buildApp(
    loadEnv({
      NODE_ENV: 'test',
      LOG_LEVEL: 'debug',
      MONGODB_URI: databaseUri,
      LIVEKIT_URL: livekit.url,
      LIVEKIT_API_KEY: livekit.apiKey,
      LIVEKIT_API_SECRET: livekit.apiSecret,
      AGENT_NAME,
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
  await worker?.stop();
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

/** Reads the call until `check` holds (webhooks arrive when LiveKit sends them). */
async function callWhen(
  sessionId: string,
  check: (call: CallSession) => void,
): Promise<CallSession> {
  return vi.waitFor(
    async () => {
      const call = await client.sessions.get.query({ sessionId });
      check(call);
      return call;
    },
    { timeout: 20_000, interval: 200 },
  );
}

describe('call history from a real LiveKit’s webhooks', () => {
  test('a web call: recorded at start, the agent joins (still started), a person joins (active), the room ends (ended)', async () => {
    const started = await client.session.start.mutate({ agentConfig: { greeting: 'Hello' } });
    const [call] = (await client.sessions.list.query({ limit: 5 })).items;
    expect(call).toMatchObject({ roomName: started.roomName, status: 'started' });
    const sessionId = call!.id;

    // The config hash is the dispatched metadata's config, as the worker received it.
    const job = await worker.waitFor((r) => r.event === 'job' && r.roomName === started.roomName);
    const dispatched = agentJobMetadataSchema.parse(JSON.parse(job.metadata ?? ''));
    expect(call!.configHash).toBe(
      createHash('sha256').update(canonicalJson(dispatched.config)).digest('hex'),
    );
    expect(call!.overrides).toEqual({ greeting: 'Hello' });

    // The agent joining (kind AGENT) does not make the call active.
    await worker.waitFor((r) => r.event === 'connected' && r.roomName === started.roomName);
    const withAgent = await callWhen(sessionId, (c) =>
      expect(c.participants.map((p) => p.kind)).toContain('agent'),
    );
    expect(withAgent.status).toBe('started');
    expect(withAgent.roomSid).toMatch(/^RM_/);

    const room = await join(started.roomName, 'caller-1');
    const active = await callWhen(sessionId, (c) => expect(c.status).toBe('active'));
    expect(active.participants).toContainEqual(
      expect.objectContaining({ identity: 'caller-1', kind: 'standard', leftAt: null }),
    );

    await room.disconnect();
    await roomService.deleteRoom(started.roomName);
    const ended = await callWhen(sessionId, (c) => expect(c.status).toBe('ended'));
    expect(ended).toMatchObject({ endedReason: 'hang-up' });
    expect(ended.durationSeconds).toEqual(expect.any(Number));
    expect(ended.participants.find((p) => p.identity === 'caller-1')?.leftAt).not.toBeNull();
  });
});

describe('reconciliation against a real LiveKit', () => {
  test('a call whose room was deleted while its webhooks were lost is ended room-gone; a running one is not', async () => {
    // A database of its own: the app above (and its webhooks) never sees these calls.
    const uri = testDatabaseUri('call_reconcile');
    const connection = await mongoose
      .createConnection(uri, { bufferCommands: false, serverSelectionTimeoutMS: 5000 })
      .asPromise();
    try {
      const store = createMongooseCallSessionStore(connection);
      await store.ensureIndexes();
      let now = Date.now();
      const services = buildServices({
        rooms: createLiveKitRooms({
          url: livekit.url,
          apiKey: livekit.apiKey,
          apiSecret: livekit.apiSecret,
          timeoutMs: 10_000,
        }),
        agentName: `${AGENT_NAME}-none`,
        callSessionStore: store,
        now: () => new Date(now),
      });
      const gone = await services.session.start(localOwner, {});
      const kept = await services.session.start(localOwner, {});
      await roomService.deleteRoom(gone.roomName);
      now += RECONCILE_GRACE_MS + 1000;
      const { ended } = await services.calls.reconcile();
      expect(ended).toBe(1);
      const byRoom = new Map(
        (await services.calls.list(TEST_WORKSPACE_ID, { limit: 10 })).items.map((c) => [
          c.roomName,
          c,
        ]),
      );
      expect(byRoom.get(gone.roomName)).toMatchObject({
        status: 'ended',
        endedReason: 'room-gone',
      });
      expect(byRoom.get(kept.roomName)).toMatchObject({ status: 'started', endedReason: null });
      await roomService.deleteRoom(kept.roomName);
    } finally {
      await dropTestDatabase(connection);
    }
  });
});
