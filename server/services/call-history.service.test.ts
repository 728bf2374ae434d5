import { describe, expect, test } from 'vitest';
import { createMemoryCallSessionStore } from '../adapters/memory/call-session-store.memory.ts';
import { createMemoryLiveKitRooms } from '../adapters/memory/livekit-rooms.memory.ts';
import { AppError } from '../errors.ts';
import { createLiveKitWebhookVerifier, signLiveKitWebhook } from '../livekit/webhooks.ts';
import type { CallSessionStore } from '../ports/call-session-store.port.ts';
import { WORKSPACE_A, WORKSPACE_B } from '../testing/builders.ts';
import { webhookBody, type WebhookFixture } from '../testing/webhooks.ts';
import {
  createCallHistoryService,
  projectLifecycle,
  RECONCILE_GRACE_MS,
} from './call-history.service.ts';

const KEY = 'test-key';
const SECRET = 'a-test-secret-of-32-characters-or-more';
const T0 = new Date(Date.UTC(2026, 2, 1, 12, 0, 0));
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function build() {
  const store: CallSessionStore = createMemoryCallSessionStore();
  let now = at(0);
  const rooms = createMemoryLiveKitRooms();
  const calls = createCallHistoryService({
    store,
    rooms,
    now: () => now,
    webhooks: createLiveKitWebhookVerifier({ apiKey: KEY, apiSecret: SECRET, now: () => now }),
  });
  const newCall = (roomName = 'room-1', workspaceId = WORKSPACE_A, createdAt = at(0)) =>
    store.create({
      workspaceId,
      type: 'web',
      agentId: null,
      roomName,
      config: { instructions: 'x' },
      configHash: '00',
      overrides: null,
      startedBy: 'user:u1',
      createdAt,
    });
  /** Delivers an event as LiveKit would: body signed, the clock at the event's time. */
  const deliver = async (fixture: WebhookFixture, options: { body?: string } = {}) => {
    const body = webhookBody(fixture);
    const header = await signLiveKitWebhook({ apiKey: KEY, apiSecret: SECRET, body });
    now = fixture.createdAt;
    return calls.receiveWebhook(options.body ?? body, header);
  };
  return {
    store,
    rooms,
    calls,
    newCall,
    deliver,
    setNow: (date: Date) => {
      now = date;
    },
  };
}

const room = { name: 'room-1', sid: 'RM_1' };
const joined = (
  id: string,
  second: number,
  identity: string,
  kind: 'agent' | 'standard' = 'standard',
): WebhookFixture => ({
  id,
  event: 'participant_joined',
  createdAt: at(second),
  room,
  participant: { identity, kind },
});
const left = (
  id: string,
  second: number,
  identity: string,
  kind: 'agent' | 'standard' = 'standard',
): WebhookFixture => ({
  id,
  event: 'participant_left',
  createdAt: at(second),
  room,
  participant: { identity, kind },
});
const started = (id: string, second: number): WebhookFixture => ({
  id,
  event: 'room_started',
  createdAt: at(second),
  room,
});
const finished = (id: string, second: number): WebhookFixture => ({
  id,
  event: 'room_finished',
  createdAt: at(second),
  room,
});

describe('call lifecycle from webhooks', () => {
  test('a web call: started → active when the caller joins (not the agent) → ended with participants, duration', async () => {
    const { calls, newCall, deliver } = build();
    const call = await newCall();
    expect(await deliver(started('EV_1', 1))).toBe('applied');
    await deliver(joined('EV_2', 2, 'agent-1', 'agent'));
    expect(await calls.get(WORKSPACE_A, call.id)).toMatchObject({
      status: 'started',
      roomSid: 'RM_1',
    });
    await deliver(joined('EV_3', 5, 'caller'));
    expect(await calls.get(WORKSPACE_A, call.id)).toMatchObject({
      status: 'active',
      activeAt: at(5).toISOString(),
    });
    await deliver(left('EV_4', 65, 'caller'));
    await deliver(left('EV_5', 66, 'agent-1', 'agent'));
    await deliver(finished('EV_6', 70));
    expect(await calls.get(WORKSPACE_A, call.id)).toMatchObject({
      status: 'ended',
      endedReason: 'room-finished',
      endedAt: at(70).toISOString(),
      durationSeconds: 65,
      participants: [
        {
          identity: 'agent-1',
          kind: 'agent',
          joinedAt: at(2).toISOString(),
          leftAt: at(66).toISOString(),
        },
        {
          identity: 'caller',
          kind: 'standard',
          joinedAt: at(5).toISOString(),
          leftAt: at(65).toISOString(),
        },
      ],
    });
  });

  test('a duplicate delivery is answered `duplicate` and changes nothing', async () => {
    const { calls, newCall, deliver } = build();
    const call = await newCall();
    await deliver(joined('EV_1', 1, 'caller'));
    const before = await calls.get(WORKSPACE_A, call.id);
    expect(await deliver(joined('EV_1', 1, 'caller'))).toBe('duplicate');
    expect(await calls.get(WORKSPACE_A, call.id)).toEqual(before);
  });

  test('reordered: room_finished first, then older joins and leaves — the call stays ended and gets its participants', async () => {
    const { calls, newCall, deliver } = build();
    const call = await newCall();
    await deliver(finished('EV_9', 30));
    await deliver(joined('EV_1', 2, 'caller'));
    await deliver(left('EV_2', 20, 'caller'));
    expect(await calls.get(WORKSPACE_A, call.id)).toMatchObject({
      status: 'ended',
      endedAt: at(30).toISOString(),
      activeAt: at(2).toISOString(),
      participants: [{ identity: 'caller', leftAt: at(20).toISOString() }],
    });
  });

  test('an older event replayed after the end never reopens the call', async () => {
    const { calls, newCall, deliver } = build();
    const call = await newCall();
    await deliver(joined('EV_1', 1, 'caller'));
    await deliver(finished('EV_2', 9));
    await deliver(joined('EV_3', 5, 'second-caller'));
    expect((await calls.get(WORKSPACE_A, call.id)).status).toBe('ended');
  });

  test('concurrent deliveries of many events converge on all of them', async () => {
    const { calls, newCall, deliver } = build();
    const call = await newCall();
    await Promise.all([
      deliver(joined('EV_1', 1, 'a')),
      deliver(joined('EV_2', 1, 'b')),
      deliver(joined('EV_3', 1, 'c', 'agent')),
      deliver(left('EV_4', 1, 'a')),
      deliver(joined('EV_2', 1, 'b')),
    ]);
    const got = await calls.get(WORKSPACE_A, call.id);
    expect(got.participants.map((p) => [p.identity, p.leftAt !== null])).toEqual([
      ['a', true],
      ['b', false],
      ['c', false],
    ]);
  });

  test('unsigned, tampered or stale webhooks are UNAUTHORIZED and record nothing', async () => {
    const { calls, newCall, deliver, store, setNow } = build();
    const call = await newCall();
    const fixture = joined('EV_1', 1, 'caller');
    const body = webhookBody(fixture);
    const code = (promise: Promise<unknown>) =>
      promise.then(
        () => 'resolved',
        (e: unknown) => (e instanceof AppError ? e.code : 'other'),
      );
    setNow(at(1));
    expect(await code(calls.receiveWebhook(body, undefined))).toBe('UNAUTHORIZED');
    expect(await code(deliver(fixture, { body: body.replace('caller', 'intruder') }))).toBe(
      'UNAUTHORIZED',
    );
    const header = await signLiveKitWebhook({ apiKey: KEY, apiSecret: SECRET, body });
    setNow(at(6 * 60));
    expect(await code(calls.receiveWebhook(body, header))).toBe('UNAUTHORIZED');
    expect(await store.listEvents(WORKSPACE_A, call.id)).toEqual([]);
    expect((await calls.get(WORKSPACE_A, call.id)).participants).toEqual([]);
  });

  test('events of rooms Switchboard did not start, without a room, or of other kinds are ignored', async () => {
    const { newCall, deliver, store } = build();
    const call = await newCall();
    expect(await deliver({ ...joined('EV_1', 1, 'x'), room: { name: 'elsewhere' } })).toBe(
      'ignored',
    );
    expect(await deliver({ id: 'EV_2', event: 'track_published', createdAt: at(1), room })).toBe(
      'ignored',
    );
    expect(await deliver({ id: 'EV_3', event: 'egress_started', createdAt: at(1) })).toBe(
      'ignored',
    );
    expect(await store.listEvents(WORKSPACE_A, call.id)).toEqual([]);
  });

  test('a room name used again: the new call takes the new room’s events; an event from long before it is ignored', async () => {
    const { calls, newCall, deliver } = build();
    const first = await newCall('room-1', WORKSPACE_A, at(0));
    await deliver(finished('EV_1', 10));
    const second = await newCall('room-1', WORKSPACE_A, at(200));
    expect(await deliver(joined('EV_2', 100, 'late'))).toBe('ignored');
    await deliver({ ...joined('EV_3', 201, 'caller'), room: { name: 'room-1', sid: 'RM_2' } });
    expect((await calls.get(WORKSPACE_A, first.id)).status).toBe('ended');
    expect(await calls.get(WORKSPACE_A, second.id)).toMatchObject({
      status: 'active',
      roomSid: 'RM_2',
    });
  });
});

describe('projectLifecycle', () => {
  const event = (
    type: string,
    second: number,
    identity?: string,
    roomSid: string | null = 'RM_1',
  ) => ({
    id: `${type}-${second}-${identity ?? ''}`,
    workspaceId: WORKSPACE_A,
    sessionId: 's',
    type,
    at: at(second),
    roomSid,
    participant: identity ? { identity, kind: 'standard' as const } : null,
  });

  test('no events: started', () => {
    expect(projectLifecycle([])).toEqual({
      status: 'started',
      roomSid: null,
      activeAt: null,
      endedAt: null,
      endedReason: null,
      participants: [],
    });
  });

  test('the same set in any order gives the same lifecycle', () => {
    const events = [
      event('room_started', 0),
      event('participant_joined', 1, 'a'),
      event('participant_left', 1, 'a'),
      event('participant_joined', 3, 'a'),
      event('room_finished', 9),
    ];
    const expected = projectLifecycle(events);
    expect(projectLifecycle([...events].reverse())).toEqual(expected);
    expect(expected.participants).toEqual([
      { identity: 'a', kind: 'standard', joinedAt: at(1), leftAt: null },
    ]);
  });

  test('events of another room sid than the room_started one are left out', () => {
    const got = projectLifecycle([
      event('participant_joined', 1, 'old', 'RM_0'),
      event('room_started', 2, undefined, 'RM_1'),
      event('room_finished', 3, undefined, 'RM_0'),
    ]);
    expect(got).toMatchObject({ status: 'started', roomSid: 'RM_1', participants: [] });
  });

  test('room_gone (reconciliation) ends a call with reason room-gone', () => {
    expect(projectLifecycle([event('room_gone', 5, undefined, null)])).toMatchObject({
      status: 'ended',
      endedReason: 'room-gone',
      endedAt: at(5),
    });
  });
});

describe('reads are scoped to the workspace', () => {
  test('another workspace’s call is NOT_FOUND with details, as a missing one', async () => {
    const { calls, newCall } = build();
    const call = await newCall();
    await expect(calls.get(WORKSPACE_B, call.id)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      details: { reason: 'not-found', resource: 'session', id: call.id },
    });
    expect((await calls.list(WORKSPACE_B, { limit: 10 })).items).toEqual([]);
  });
});

describe('reconciliation', () => {
  test('an open call whose room LiveKit no longer lists is ended room-gone; a running one is left alone', async () => {
    const { calls, newCall, rooms, setNow, deliver } = build();
    const gone = await newCall('gone');
    const running = await newCall('running');
    const active = await newCall('active-gone');
    rooms.createEmptyRoom('running');
    await deliver({ ...joined('EV_1', 5, 'caller'), room: { name: 'active-gone', sid: 'RM_9' } });
    setNow(at(600));
    expect(await calls.reconcile()).toEqual({ checked: 3, ended: 2 });
    expect(await calls.get(WORKSPACE_A, gone.id)).toMatchObject({
      status: 'ended',
      endedReason: 'room-gone',
      endedAt: at(600).toISOString(),
    });
    expect(await calls.get(WORKSPACE_A, active.id)).toMatchObject({
      status: 'ended',
      endedReason: 'room-gone',
      durationSeconds: 595,
    });
    expect((await calls.get(WORKSPACE_A, running.id)).status).toBe('started');
    expect(await calls.reconcile()).toEqual({ checked: 1, ended: 0 });
  });

  test('a call younger than the grace is not checked (its room may not be listed yet)', async () => {
    const { calls, newCall, setNow } = build();
    const young = await newCall('young', WORKSPACE_A, at(0));
    setNow(new Date(at(0).getTime() + RECONCILE_GRACE_MS - 1));
    expect(await calls.reconcile()).toEqual({ checked: 0, ended: 0 });
    setNow(new Date(at(0).getTime() + RECONCILE_GRACE_MS + 1));
    expect(await calls.reconcile()).toEqual({ checked: 1, ended: 1 });
    expect((await calls.get(WORKSPACE_A, young.id)).status).toBe('ended');
  });

  test('a room_finished arriving after reconciliation keeps the first end', async () => {
    const { calls, newCall, setNow, deliver } = build();
    const call = await newCall();
    setNow(at(120));
    await calls.reconcile();
    await deliver(finished('EV_late', 100));
    // The earliest ending event wins: LiveKit's room_finished happened first.
    expect(await calls.get(WORKSPACE_A, call.id)).toMatchObject({
      status: 'ended',
      endedReason: 'room-finished',
      endedAt: at(100).toISOString(),
    });
  });

  test('two instances reconciling at once record the end once', async () => {
    const { calls, newCall, setNow, store } = build();
    const call = await newCall();
    setNow(at(120));
    await Promise.all([calls.reconcile(), calls.reconcile()]);
    expect(await store.listEvents(WORKSPACE_A, call.id)).toHaveLength(1);
  });
});
