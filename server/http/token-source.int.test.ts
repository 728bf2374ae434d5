// LiveKit's standard token endpoint end to end: livekit-client's own `TokenSource.endpoint` fetches
// credentials from POST /api/v1/agents/{agentId}/connection-details of a real app (real database,
// real LiveKit), a real participant joins with them, and the real agent worker gets exactly one job
// carrying the saved config with the request's dispatch metadata merged on as overrides.

import { randomBytes } from 'node:crypto';
import { dispose, Room } from '@livekit/rtc-node';
import { TokenSource } from 'livekit-client';
import { AgentDispatchClient, RoomServiceClient } from 'livekit-server-sdk';
import mongoose from 'mongoose';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { agentJobMetadataSchema } from '../../shared/session.schema.ts';
import { startTestWorker, type TestWorker } from '../../scripts/testing/agent-worker/spawn.ts';
import { dropTestDatabase, testDatabaseUri, testLiveKit } from '../../scripts/testing/services.ts';
import { buildApp, type App } from '../app.ts';
import { loadEnv } from '../env.ts';
import { createMemoryLogger } from '../logger.ts';
import { createTestOwner, type TestOwner } from '../testing/auth.ts';
import { buildAgentInput } from '../testing/builders.ts';

// Our own agent name: no other worker on this LiveKit can take our jobs, and ours takes no others'.
const AGENT_NAME = `sb-ts-${randomBytes(4).toString('hex')}`;
const livekit = testLiveKit();
const databaseUri = testDatabaseUri(import.meta.url);
const roomService = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
const dispatchService = new AgentDispatchClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
const openRooms: Room[] = [];

let worker: TestWorker;
let app: App;
let port: number;
let owner: TestOwner;

beforeAll(async () => {
  // The worker first: a dispatch made before a worker of that name registered is not retried.
  worker = await startTestWorker({ livekit, agentName: AGENT_NAME });
  app = buildApp(
    loadEnv({
      NODE_ENV: 'test',
      MONGODB_URI: databaseUri,
      LIVEKIT_URL: livekit.url,
      LIVEKIT_API_KEY: livekit.apiKey,
      LIVEKIT_API_SECRET: livekit.apiSecret,
      AGENT_NAME,
    }),
    createMemoryLogger(),
  );
  ({ port } = await app.http.listen(0, '127.0.0.1'));
  const deadline = Date.now() + 20_000;
  // The database connects in the background: wait for /readyz.
  while (!(await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok) {
    if (Date.now() > deadline) throw new Error('the app was not ready within 20 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  owner = await createTestOwner(app.services);
});

afterAll(async () => {
  for (const room of openRooms) await room.disconnect().catch(() => undefined);
  await app?.close();
  await worker?.stop();
  await dispose();
  const connection = await mongoose.createConnection(databaseUri).asPromise();
  await dropTestDatabase(connection);
});

test('TokenSource.endpoint gets credentials, a participant joins, the worker gets one job with the overrides', async () => {
  const agent = await app.services.agents.create(
    owner.workspaceId,
    buildAgentInput({
      config: { instructions: 'You are a receptionist.', greeting: 'Hello', variables: { a: '1' } },
    }),
  );
  const source = TokenSource.endpoint(
    `http://127.0.0.1:${port}/api/v1/agents/${agent.id}/connection-details`,
    { headers: { Authorization: `Bearer ${owner.key}` } },
  );
  const details = await source.fetch({
    agentName: AGENT_NAME,
    agentMetadata: JSON.stringify({ greeting: 'Hi from the page', variables: { b: '2' } }),
    participantIdentity: 'caller-ts',
  });
  expect(details.serverUrl).toBe(livekit.url);
  const claims = source.getCachedResponseJwtPayload();
  expect(claims?.sub).toBe('caller-ts');
  const roomName = claims?.video?.room;
  expect(roomName).toBeTruthy();

  const room = new Room();
  openRooms.push(room);
  await room.connect(details.serverUrl, details.participantToken, {
    autoSubscribe: false,
    dynacast: false,
  });
  expect(room.isConnected).toBe(true);

  const job = await worker.waitFor((r) => r.event === 'job' && r.roomName === roomName);
  const metadata = agentJobMetadataSchema.parse(JSON.parse(job.metadata ?? ''));
  expect(metadata).toMatchObject({
    agentId: agent.id,
    config: {
      instructions: 'You are a receptionist.',
      greeting: 'Hi from the page',
      variables: { a: '1', b: '2' },
    },
  });
  await worker.waitFor((r) => r.event === 'connected' && r.roomName === roomName);
  const identities = (await roomService.listParticipants(roomName!)).map((p) => p.identity);
  expect(identities).toEqual(expect.arrayContaining(['caller-ts', `agent-${job.jobId}`]));
  const dispatches = (await dispatchService.listDispatch(roomName!)).filter(
    (d) => d.agentName === AGENT_NAME,
  );
  expect(dispatches).toHaveLength(1);

  // The call record, over REST with the same key.
  const sessions = await fetch(`http://127.0.0.1:${port}/api/v1/sessions?agentId=${agent.id}`, {
    headers: { Authorization: `Bearer ${owner.key}` },
  });
  expect(await sessions.json()).toMatchObject({ items: [{ roomName, agentId: agent.id }] });
});

test('TokenSource.endpoint surfaces a refusal: a wrong agent name is a 400 and starts nothing', async () => {
  const agent = await app.services.agents.create(owner.workspaceId, buildAgentInput());
  const source = TokenSource.endpoint(
    `http://127.0.0.1:${port}/api/v1/agents/${agent.id}/connection-details`,
    { headers: { Authorization: `Bearer ${owner.key}` } },
  );
  await expect(source.fetch({ agentName: 'someone-else' })).rejects.toThrow(/received 400/);
  const { items } = await app.services.calls.list(owner.workspaceId, {
    limit: 10,
    agentId: agent.id,
  });
  expect(items).toEqual([]);
});
