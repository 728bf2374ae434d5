import { describe, expect, test } from 'vitest';
import { createMemoryLiveKitRooms } from '../adapters/memory/livekit-rooms.memory.ts';
import { createLiveKitWebhookVerifier, signLiveKitWebhook } from '../livekit/webhooks.ts';
import {
  buildAgentInput,
  buildApiKeyCaller,
  buildCaller,
  buildIdentity,
  WORKSPACE_A,
  WORKSPACE_B,
} from '../testing/builders.ts';
import { trpcError } from '../testing/trpc-error.ts';
import { webhookBody } from '../testing/webhooks.ts';

const KEY = 'router-key';
const SECRET = 'a-router-secret-of-32-characters-or-more';
const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);

function setup() {
  let now = T0;
  const built = buildCaller({
    rooms: createMemoryLiveKitRooms(),
    now: () => new Date(now),
    webhooks: createLiveKitWebhookVerifier({
      apiKey: KEY,
      apiSecret: SECRET,
      now: () => new Date(now),
    }),
  });
  const a = built.as(buildIdentity(WORKSPACE_A, 'member'));
  const b = built.as(buildIdentity(WORKSPACE_B, 'member'));
  const deliver = async (fixture: Parameters<typeof webhookBody>[0]) => {
    const body = webhookBody(fixture);
    return built.services.calls.receiveWebhook(
      body,
      await signLiveKitWebhook({ apiKey: KEY, apiSecret: SECRET, body }),
    );
  };
  return {
    ...built,
    a,
    b,
    deliver,
    advance: (seconds: number) => {
      now += seconds * 1000;
    },
    at: () => new Date(now),
  };
}

describe('sessions.list and sessions.get', () => {
  test('a started call is listed and read with its config, hash and who started it', async () => {
    const { a } = setup();
    const agent = await a.agents.create(buildAgentInput());
    const started = await a.session.start({ agentId: agent.id });
    const { items, nextCursor } = await a.sessions.list();
    expect(nextCursor).toBeNull();
    expect(items).toHaveLength(1);
    const [call] = items;
    expect(started.sessionId).toBe(call?.id);
    expect(call).toMatchObject({
      type: 'web',
      agentId: agent.id,
      roomName: started.roomName,
      status: 'started',
      startedBy: expect.stringMatching(/^user:/) as unknown,
      createdAt: new Date(T0).toISOString(),
      durationSeconds: null,
      configHash: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
    });
    expect(call?.config).toEqual(started.config);
    expect(await a.sessions.get({ sessionId: call!.id })).toEqual({
      ...call,
      events: [],
      transcript: null,
      usage: null,
      reportedAt: null,
    });
  });

  test('webhooks show up in the record: active, then ended with duration and participants', async () => {
    const { a, deliver, advance, at } = setup();
    const { roomName } = await a.session.start({});
    const room = { name: roomName, sid: 'RM_a' };
    advance(2);
    await deliver({
      id: 'EV_1',
      event: 'participant_joined',
      createdAt: at(),
      room,
      participant: { identity: 'agent', kind: 'agent' },
    });
    advance(1);
    await deliver({
      id: 'EV_2',
      event: 'participant_joined',
      createdAt: at(),
      room,
      participant: { identity: 'me' },
    });
    expect((await a.sessions.list({ status: 'active' })).items).toHaveLength(1);
    advance(42);
    await deliver({ id: 'EV_3', event: 'room_finished', createdAt: at(), room });
    const [call] = (await a.sessions.list({ status: 'ended' })).items;
    expect(call).toMatchObject({
      endedReason: 'room-finished',
      durationSeconds: 42,
      roomSid: 'RM_a',
    });
    expect(call?.participants.map((p) => [p.identity, p.kind])).toEqual([
      ['agent', 'agent'],
      ['me', 'standard'],
    ]);
    expect((await a.sessions.list({ status: 'active' })).items).toEqual([]);
  });

  test('filters and keyset paging, newest first', async () => {
    const { a, advance } = setup();
    const agent = await a.agents.create(buildAgentInput());
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      advance(10);
      const started = await a.session.start(i % 2 === 0 ? { agentId: agent.id } : {});
      ids.unshift(started.roomName);
    }
    const first = await a.sessions.list({ limit: 2 });
    const second = await a.sessions.list({ limit: 2, cursor: first.nextCursor });
    const third = await a.sessions.list({ limit: 2, cursor: second.nextCursor });
    expect([...first.items, ...second.items, ...third.items].map((c) => c.roomName)).toEqual(ids);
    expect(third.nextCursor).toBeNull();
    expect((await a.sessions.list({ agentId: agent.id })).items).toHaveLength(3);
    expect((await a.sessions.list({ type: 'web' })).items).toHaveLength(5);
    const from = new Date(T0 + 25_000).toISOString();
    const to = new Date(T0 + 45_000).toISOString();
    expect((await a.sessions.list({ from, to })).items.map((c) => c.roomName)).toEqual(
      ids.slice(1, 3),
    );
  });

  test('bad input is BAD_REQUEST with its path: a malformed id, a foreign cursor, an empty range', async () => {
    const { a } = setup();
    const malformed = await trpcError(() => a.sessions.get({ sessionId: 'nope' }));
    expect(malformed).toMatchObject({ code: 'BAD_REQUEST', issues: [{ path: ['sessionId'] }] });
    const cursor = await trpcError(() => a.sessions.list({ cursor: 'garbage' }));
    expect(cursor).toMatchObject({ code: 'BAD_REQUEST', issues: [{ path: ['cursor'] }] });
    const range = await trpcError(() =>
      a.sessions.list({ from: new Date(T0).toISOString(), to: new Date(T0).toISOString() }),
    );
    expect(range).toMatchObject({ code: 'BAD_REQUEST', issues: [{ path: ['to'] }] });
  });

  test('two workspaces: B lists none of A’s calls and reading one is NOT_FOUND, as a missing one', async () => {
    const { a, b } = setup();
    await a.session.start({});
    const [call] = (await a.sessions.list()).items;
    expect((await b.sessions.list()).items).toEqual([]);
    expect((await b.sessions.list({ status: 'started' })).items).toEqual([]);
    const theirs = await trpcError(() => b.sessions.get({ sessionId: call!.id }));
    const missing = await trpcError(() => b.sessions.get({ sessionId: 'f'.repeat(24) }));
    expect(theirs).toMatchObject({
      code: 'NOT_FOUND',
      details: { reason: 'not-found', resource: 'session', id: call!.id },
    });
    expect(missing).toMatchObject({ code: 'NOT_FOUND', details: { resource: 'session' } });
  });

  test('sessions:read is needed: a viewer and a key with sessions:start only are FORBIDDEN', async () => {
    const { as } = setup();
    for (const who of [
      buildIdentity(WORKSPACE_A, 'viewer'),
      buildApiKeyCaller(WORKSPACE_A, 'k', ['sessions:start']),
    ]) {
      const error = await trpcError(() => as(who).sessions.list());
      expect(error).toMatchObject({
        code: 'FORBIDDEN',
        details: { reason: 'forbidden', permission: 'sessions:read' },
      });
    }
    await expect(
      as(buildApiKeyCaller(WORKSPACE_A, 'k', ['sessions:read'])).sessions.list(),
    ).resolves.toEqual({ items: [], nextCursor: null });
  });
});

test('a second start in a running room answers the running call, not a new one', async () => {
  const { a } = setup();
  const agent = await a.agents.create(buildAgentInput());
  const first = await a.session.start({ agentId: agent.id, roomName: 'support-1' });
  const second = await a.session.start({ agentId: agent.id, roomName: 'support-1' });
  expect(first.sessionId).toMatch(/^[0-9a-f]{24}$/);
  expect(second.sessionId).toBe(first.sessionId);
  expect((await a.sessions.list()).items.map((call) => call.id)).toEqual([first.sessionId]);
});
