// Two Switchboard processes against ONE database and ONE LiveKit, as production runs N instances
// behind a load balancer: they must behave as one. Racing `session.start`s for one room make one
// room, one call record and one agent dispatch (the room lease, server/ports/lease-store.port.ts);
// the same webhook delivered to both is applied once (its event id is stored once).

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { AgentDispatchClient, RoomServiceClient } from 'livekit-server-sdk';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { setUpFirstOwner } from '../scripts/testing/first-owner.ts';
import { dropTestDatabase, testDatabaseUri, testLiveKit } from '../scripts/testing/services.ts';
import {
  CALL_EVENTS_COLLECTION,
  CALL_SESSIONS_COLLECTION,
} from './adapters/mongoose/call-session.model.ts';
import { LIVEKIT_WEBHOOK_PATH } from './http/server.ts';
import { signLiveKitWebhook } from './livekit/webhooks.ts';
import { webhookBody } from './testing/webhooks.ts';

const livekit = testLiveKit();
const databaseUri = testDatabaseUri('multi_instance');
const AGENT_NAME = `sb-multi-${randomBytes(4).toString('hex')}`;
const AUTH_SECRET = 'multi-instance-test-secret-0123456789abcdef';
const dispatches = new AgentDispatchClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
const roomService = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);

interface Instance {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
}

const children: ChildProcess[] = [];
const roomsMade: string[] = [];
let db: Connection;
let instances: [Instance, Instance];
let auth: Record<string, string>;

/** Runs `server/main.ts` as the product runs (a process of its own) and waits for it to listen. */
async function startInstance(): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      AUTH_SECRET,
      MONGODB_URI: databaseUri,
      LIVEKIT_URL: livekit.url,
      LIVEKIT_API_KEY: livekit.apiKey,
      LIVEKIT_API_SECRET: livekit.apiSecret,
      AGENT_NAME,
      // The per-process rates are not what this test is about.
      SESSION_RATE_PER_MINUTE: '1000',
      SESSION_KEY_RATE_PER_MINUTE: '1000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /"url":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(output);
      if (match?.[1]) {
        clearInterval(timer);
        resolve(Number(match[1]));
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await vi.waitFor(
    async () => {
      expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200);
    },
    { timeout: 30_000, interval: 100 },
  );
  return { child, baseUrl, output: () => output };
}

async function stopInstance(instance: Instance): Promise<void> {
  if (instance.child.exitCode !== null) return;
  const exited = new Promise((resolve) => instance.child.once('exit', resolve));
  instance.child.kill('SIGTERM');
  await exited;
}

beforeAll(async () => {
  db = await mongoose.createConnection(databaseUri).asPromise();
  // The first instance prints the setup token of the fresh install; the second finds it claimed.
  const first = await startInstance();
  const { apiKey } = await setUpFirstOwner(first);
  auth = { authorization: `Bearer ${apiKey}` };
  instances = [first, await startInstance()];
}, 120_000);

afterAll(async () => {
  for (const instance of instances ?? []) await stopInstance(instance);
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const room of roomsMade) await roomService.deleteRoom(room).catch(() => undefined);
  if (db) await dropTestDatabase(db);
});

interface Answer {
  status: number;
  data?: { roomName: string; sessionId: string | null };
  error?: { data?: { code?: string; details?: { reason?: string } } };
}

async function startSession(instance: Instance, roomName: string): Promise<Answer> {
  const response = await fetch(`${instance.baseUrl}/trpc/session.start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ roomName }),
  });
  const body = (await response.json()) as { result?: { data: Answer['data'] } } & Answer;
  return { status: response.status, data: body.result?.data, error: body.error };
}

describe('two server instances, one database, one LiveKit', () => {
  test('20 racing session.start for one room, alternating instances: one room, one call record, ONE agent dispatch — also when the room is made again after it ended', async () => {
    const roomName = `multi-${randomBytes(6).toString('hex')}`;
    roomsMade.push(roomName);
    const race = async () => {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          startSession(instances[i % 2 === 0 ? 0 : 1], roomName),
        ),
      );
      for (const answer of answers) {
        if (answer.status === 200) {
          expect(answer.data?.roomName).toBe(roomName);
        } else {
          // The one refusal racing starts may get: the room stayed busy longer than a start waits.
          expect(answer).toMatchObject({
            status: 503,
            error: { data: { code: 'SERVICE_UNAVAILABLE', details: { reason: 'room-busy' } } },
          });
        }
      }
      const started = answers.filter((answer) => answer.status === 200);
      expect(started.length).toBeGreaterThan(0);
      const listed = await dispatches.listDispatch(roomName);
      expect(listed.filter((dispatch) => dispatch.agentName === AGENT_NAME)).toHaveLength(1);
      return new Set(started.map((answer) => answer.data?.sessionId));
    };
    const callIds = async () =>
      (await db.collection(CALL_SESSIONS_COLLECTION).find({ roomName }).toArray()).map((call) =>
        call._id.toHexString(),
      );

    // A new name: the rooms' unique claim already settles who makes it.
    const first = await race();
    const [firstCall, ...others] = await callIds();
    expect(others).toEqual([]);
    expect(first).toEqual(new Set([firstCall]));

    // The room ended: every racer finds the workspace's record and no running room, and only
    // the lease keeps them from each recording a call and dispatching.
    await roomService.deleteRoom(roomName);
    await vi.waitFor(
      async () => {
        expect(await roomService.listRooms([roomName])).toEqual([]);
      },
      { timeout: 10_000, interval: 100 },
    );
    const second = await race();
    const calls = await callIds();
    expect(calls).toHaveLength(2);
    const secondCall = calls.find((id) => id !== firstCall);
    expect(second).toEqual(new Set([secondCall]));
  });

  test('the same signed webhook delivered to both instances at once is applied once', async () => {
    const roomName = `multi-hook-${randomBytes(6).toString('hex')}`;
    roomsMade.push(roomName);
    const first = await startSession(instances[0], roomName);
    expect(first.status).toBe(200);
    const eventId = `EV_multi_${randomBytes(6).toString('hex')}`;
    const body = webhookBody({
      id: eventId,
      event: 'participant_joined',
      createdAt: new Date(),
      room: { name: roomName, sid: 'RM_multi' },
      participant: { identity: 'caller-1' },
    });
    const authorization = await signLiveKitWebhook({
      apiKey: livekit.apiKey,
      apiSecret: livekit.apiSecret,
      body,
    });
    const deliveries = await Promise.all(
      [0, 1, 0, 1].map(async (i) => {
        const response = await fetch(
          `${instances[i === 0 ? 0 : 1].baseUrl}${LIVEKIT_WEBHOOK_PATH}`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/webhook+json', authorization },
            body,
          },
        );
        return { status: response.status, body: (await response.json()) as { outcome?: string } };
      }),
    );
    expect(deliveries.map((d) => d.status)).toEqual([200, 200, 200, 200]);
    expect(deliveries.map((d) => d.body.outcome).sort()).toEqual([
      'applied',
      'duplicate',
      'duplicate',
      'duplicate',
    ]);

    const events = await db
      .collection(CALL_EVENTS_COLLECTION)
      .find({ _id: eventId as never })
      .toArray();
    expect(events).toHaveLength(1);
    const calls = await db.collection(CALL_SESSIONS_COLLECTION).find({ roomName }).toArray();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      _id: new mongoose.Types.ObjectId(first.data?.sessionId ?? undefined),
      status: 'active',
      participants: [expect.objectContaining({ identity: 'caller-1', leftAt: null })],
    });
    expect(events[0]).toMatchObject({ sessionId: first.data?.sessionId });
  });
});
