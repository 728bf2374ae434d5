// A web call end to end against what the test run started itself (scripts/testing/global-setup.ts):
// a real LiveKit whose webhooks reach this app through the test services' relay, FerretDB, and the
// real test agent worker, which reads `report` from its job metadata and posts the call's report
// at the job's shutdown (scripts/testing/agent-worker/report.ts).

import { createHash, randomBytes } from 'node:crypto';
import { dispose, Room } from '@livekit/rtc-node';
import { createTRPCClient, httpLink } from '@trpc/client';
import { RoomServiceClient } from 'livekit-server-sdk';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { canonicalJson } from '../../shared/canonical-json.ts';
import type { CallSessionDetail } from '../../shared/call-session.schema.ts';
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

const AGENT_NAME = `sb-report-${randomBytes(4).toString('hex')}`;
const livekit = testLiveKit();
const databaseUri = testDatabaseUri(import.meta.url);
const roomService = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
const openRooms: Room[] = [];

let worker: TestWorker;
let app: App;
let port: number;
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
  ({ port } = await app.http.listen(0, '127.0.0.1'));
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

/** Reads the call until `check` holds (webhooks and the report arrive when they are sent). */
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

describe('a web call end to end: the worker reports its transcript and usage', () => {
  test('session.start → a participant joins → the worker joins → the room ends → the worker reports → sessions.get shows it all', async () => {
    const greeting = `Hello from ${AGENT_NAME}`;
    const started = await client.session.start.mutate({ agentConfig: { greeting } });
    const sessionId = started.sessionId!;
    expect(sessionId).toMatch(/^[0-9a-f]{24}$/);

    // The worker's job metadata carries where and with what to report this call.
    const job = await worker.waitFor((r) => r.event === 'job' && r.roomName === started.roomName);
    const dispatched = agentJobMetadataSchema.parse(JSON.parse(job.metadata ?? ''));
    expect(dispatched.report).toEqual({
      url: `http://127.0.0.1:${port}/api/sessions/${sessionId}/report`,
      token: expect.stringMatching(/^sb_rpt_/) as unknown,
      expiresAt: expect.any(String) as unknown,
    });

    // A real participant joins with the token session.start gave (it carries no report token).
    expect(started.participantToken).not.toContain(dispatched.report?.token ?? 'none');
    const room = new Room();
    openRooms.push(room);
    await room.connect(started.serverUrl, started.participantToken, {
      autoSubscribe: false,
      dynacast: false,
    });
    await worker.waitFor((r) => r.event === 'connected' && r.roomName === started.roomName);
    await callWhen(sessionId, (c) => {
      expect(c.status).toBe('active');
      expect(c.participants.map((p) => p.kind).sort()).toEqual(['agent', 'standard']);
    });

    // The caller hangs up and the room is closed: the worker's job shuts down and reports.
    await room.disconnect();
    await roomService.deleteRoom(started.roomName);
    const reported = await worker.waitFor(
      (r) => r.event === 'reported' && r.roomName === started.roomName,
      30_000,
    );
    expect(reported.status).toBe(200);

    // Webhooks and the report come in any order: wait for all of them.
    const ended = await callWhen(sessionId, (c) => {
      expect(c.status).toBe('ended');
      expect(c.transcript).not.toBeNull();
      expect(c.participants.find((p) => p.kind === 'standard')?.leftAt).not.toBeNull();
    });
    expect(ended.durationSeconds).toEqual(expect.any(Number));
    expect(ended.participants).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ identity: started.participantIdentity, kind: 'standard' }),
        expect.objectContaining({ kind: 'agent' }),
      ]),
    );
    expect(ended.transcript).toEqual([
      expect.objectContaining({ role: 'agent', text: greeting }),
      expect.objectContaining({ role: 'user' }),
    ]);
    expect(ended.usage).toEqual({
      llmPromptTokens: 0,
      llmCompletionTokens: 0,
      ttsCharacters: greeting.length,
    });
    expect(ended.reportedAt).not.toBeNull();
    // The recorded config is exactly the one the worker received.
    expect(ended.configHash).toBe(
      createHash('sha256').update(canonicalJson(dispatched.config)).digest('hex'),
    );

    // A repeat (a worker retrying) replaces the report; an unsigned one changes nothing.
    const report = dispatched.report!;
    const again = {
      transcript: [{ role: 'user', text: 'again', startedAt: new Date().toISOString() }],
    };
    const send = (headers: Record<string, string>) =>
      fetch(report.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(again),
      });
    expect((await send({})).status).toBe(401);
    expect((await send({ authorization: `Bearer ${report.token}` })).status).toBe(200);
    const replaced = await client.sessions.get.query({ sessionId });
    expect(replaced.transcript).toEqual([{ ...again.transcript[0], endedAt: null }]);
    expect(replaced.usage).toBeNull();
  });
});
