import { describe, expect, test } from 'vitest';
import { createMemoryCallSessionStore } from '../adapters/memory/call-session-store.memory.ts';
import { createMemoryLiveKitRooms } from '../adapters/memory/livekit-rooms.memory.ts';
import { AppError } from '../errors.ts';
import { createLiveKitWebhookVerifier, signLiveKitWebhook } from '../livekit/webhooks.ts';
import type { ParticipantKind } from '../../shared/call-session.schema.ts';
import type { ResolvedAgentConfig } from '../../shared/session.schema.ts';
import { createMemoryDidRouteStore } from '../adapters/memory/did-route-store.memory.ts';
import type { CallEventRecord, CallSessionStore } from '../ports/call-session-store.port.ts';
import { WORKSPACE_A, WORKSPACE_B } from '../testing/builders.ts';
import { webhookBody, type WebhookFixture } from '../testing/webhooks.ts';
import {
  createCallHistoryService,
  projectLifecycle,
  RECONCILE_GRACE_MS,
  redispatchesDue,
} from './call-history.service.ts';
import { configHash } from './session.service.ts';

const KEY = 'test-key';
const AGENT_NAME = 'test-agent';
const SECRET = 'a-test-secret-of-32-characters-or-more';
const T0 = new Date(Date.UTC(2026, 2, 1, 12, 0, 0));
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function build() {
  const store: CallSessionStore = createMemoryCallSessionStore();
  let now = at(0);
  const rooms = createMemoryLiveKitRooms();
  const routes = createMemoryDidRouteStore();
  const calls = createCallHistoryService({
    store,
    rooms,
    routes,
    agentName: AGENT_NAME,
    resolveConfig: async () => ({
      config: { instructions: 'resolved now' } as unknown as ResolvedAgentConfig,
      version: 2,
    }),
    redispatch: { firstDelayMs: 5_000, deadlineMs: 60_000 },
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
    routes,
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
      endedReason: 'hang-up',
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
  ): CallEventRecord => ({
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
      awaitingAgent: true,
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

  const who = (
    type: string,
    second: number,
    identity: string,
    kind: ParticipantKind,
    disconnectReason?: string,
  ) => ({
    ...event(type, second),
    id: `${type}-${second}-${identity}`,
    participant: { identity, kind, ...(disconnectReason && { disconnectReason }) },
  });
  const reason = (...events: CallEventRecord[]) => projectLifecycle(events).endedReason;

  test('hang-up: everyone but the agent had left when the room finished (the agent leaving after, or in the same second)', () => {
    const call = [
      who('participant_joined', 1, 'agent', 'agent'),
      who('participant_joined', 2, 'caller', 'standard'),
      who('participant_left', 20, 'caller', 'standard'),
    ];
    expect(
      reason(...call, who('participant_left', 21, 'agent', 'agent'), event('room_finished', 25)),
    ).toBe('hang-up');
    expect(
      reason(...call, who('participant_left', 20, 'agent', 'agent'), event('room_finished', 25)),
    ).toBe('hang-up');
    expect(reason(...call, event('room_finished', 25))).toBe('hang-up');
  });

  test('agent-left: the agent left while the caller was still there', () => {
    expect(
      reason(
        who('participant_joined', 1, 'agent', 'agent'),
        who('participant_joined', 2, 'caller', 'standard'),
        who('participant_left', 10, 'agent', 'agent', 'AGENT_ERROR'),
        who('participant_left', 12, 'caller', 'standard'),
        event('room_finished', 15),
      ),
    ).toBe('agent-left');
  });

  test('sip-failure: the phone leg left for a failure reason or its connection broke; a plain SIP hang-up is hang-up', () => {
    const phone = [
      who('participant_joined', 1, 'agent', 'agent'),
      who('participant_joined', 2, 'sip_+1555', 'sip'),
    ];
    expect(
      reason(
        ...phone,
        who('participant_left', 5, 'sip_+1555', 'sip', 'SIP_TRUNK_FAILURE'),
        event('room_finished', 9),
      ),
    ).toBe('sip-failure');
    expect(
      reason(
        ...phone,
        who('participant_left', 5, 'sip_+1555', 'sip', 'MEDIA_FAILURE'),
        event('room_finished', 9),
      ),
    ).toBe('sip-failure');
    expect(
      reason(
        ...phone,
        who('participant_connection_aborted', 5, 'sip_+1555', 'sip'),
        event('room_finished', 9),
      ),
    ).toBe('sip-failure');
    expect(
      reason(
        ...phone,
        who('participant_left', 5, 'sip_+1555', 'sip', 'CLIENT_INITIATED'),
        event('room_finished', 9),
      ),
    ).toBe('hang-up');
  });

  test('room-finished: nobody but the agent ever joined, or the room was deleted with the caller in it', () => {
    expect(reason(event('room_started', 0), event('room_finished', 9))).toBe('room-finished');
    expect(
      reason(
        who('participant_joined', 1, 'agent', 'agent'),
        who('participant_left', 8, 'agent', 'agent'),
        event('room_finished', 9),
      ),
    ).toBe('room-finished');
    expect(
      reason(who('participant_joined', 1, 'caller', 'standard'), event('room_finished', 9)),
    ).toBe('room-finished');
  });

  test('no-agent-available wins over the room_finished its room deletion causes, whichever comes first', () => {
    const events = [
      who('participant_joined', 1, 'caller', 'standard'),
      event('no_agent_available', 60, undefined, null),
      who('participant_left', 60, 'caller', 'standard', 'ROOM_DELETED'),
      event('room_finished', 59),
    ];
    expect(projectLifecycle(events)).toMatchObject({
      status: 'ended',
      endedReason: 'no-agent-available',
      endedAt: at(59),
      awaitingAgent: false,
    });
  });

  test('awaitingAgent: until an agent joins (or is seen leaving), and never once ended', () => {
    expect(
      projectLifecycle([who('participant_joined', 1, 'caller', 'standard')]).awaitingAgent,
    ).toBe(true);
    expect(
      projectLifecycle([
        who('participant_joined', 1, 'caller', 'standard'),
        event('agent_redispatched', 5, undefined, null),
      ]).awaitingAgent,
    ).toBe(true);
    expect(projectLifecycle([who('participant_joined', 3, 'agent', 'agent')]).awaitingAgent).toBe(
      false,
    );
    expect(projectLifecycle([who('participant_left', 3, 'agent', 'agent')]).awaitingAgent).toBe(
      false,
    );
    expect(projectLifecycle([event('room_finished', 3)]).awaitingAgent).toBe(false);
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

describe('inbound phone calls', () => {
  const DID = '+14155550100';
  const CALLER = '+15105550123';
  const AGENT = '64b000000000000000000a0a';
  const callRoom = { name: 'call-_+15105550123_abc', sid: 'RM_call' };
  const sipJoined = (id: string, attributes: Record<string, string> = {}): WebhookFixture => ({
    id,
    event: 'participant_joined',
    createdAt: at(1),
    room: callRoom,
    participant: {
      identity: `sip_${CALLER}`,
      kind: 'sip',
      attributes: {
        'sip.callID': 'SCL_1',
        'sip.trunkID': 'ST_1',
        'sip.ruleID': 'SDR_1',
        'sip.phoneNumber': CALLER,
        'sip.trunkPhoneNumber': DID,
        ...attributes,
      },
    },
  });
  const setup = async (ruleId: string | null = 'SDR_1') => {
    const built = build();
    const outcome = await built.routes.create(WORKSPACE_B, {
      did: DID,
      agentId: AGENT,
      agentVersion: null,
      label: null,
      sync: { state: 'synced', ruleId, error: null, syncedAt: at(0) },
    });
    if (outcome.status !== 'created') throw new Error('route not created');
    // The rule's room dispatch, as LiveKit makes it when the call arrives.
    built.rooms.createEmptyRoom(callRoom.name);
    await built.rooms.ensureAgentDispatch({
      roomName: callRoom.name,
      agentName: AGENT_NAME,
      metadata: JSON.stringify({
        agentId: AGENT,
        did: DID,
        config: { instructions: 'dispatched' },
      }),
    });
    return { ...built, route: outcome.route };
  };

  test('the SIP participant’s join records the call in the route’s workspace: agent, SIP leg, the dispatched config and its hash, the dispatch id', async () => {
    const { calls, deliver, rooms, route } = await setup();
    expect(await deliver(sipJoined('EV_sip'))).toBe('applied');
    const { items } = await calls.list(WORKSPACE_B, { limit: 10 });
    expect(items).toEqual([
      expect.objectContaining({
        type: 'inbound-phone',
        agentId: AGENT,
        roomName: callRoom.name,
        roomSid: 'RM_call',
        status: 'active',
        config: { instructions: 'dispatched' },
        configHash: configHash({ instructions: 'dispatched' }),
        startedBy: `route:${route.id}`,
        createdAt: at(1).toISOString(),
        sip: {
          callId: 'SCL_1',
          trunkId: 'ST_1',
          ruleId: 'SDR_1',
          fromNumber: CALLER,
          toNumber: DID,
        },
        dispatchId: rooms.dispatchesOf(callRoom.name)[0]?.id,
      }),
    ]);
    expect((await calls.list(WORKSPACE_A, { limit: 10 })).items).toEqual([]);
    expect((await calls.list(WORKSPACE_B, { limit: 10, phoneNumber: CALLER })).items).toHaveLength(
      1,
    );
    expect((await calls.list(WORKSPACE_B, { limit: 10, phoneNumber: DID })).items).toHaveLength(1);
    expect(
      (await calls.list(WORKSPACE_B, { limit: 10, phoneNumber: '+15550000000' })).items,
    ).toEqual([]);
  });

  test('racing deliveries of the join record one call; later events of the room move it', async () => {
    const { calls, deliver } = await setup();
    const outcomes = await Promise.all([
      deliver(sipJoined('EV_sip')),
      deliver(sipJoined('EV_sip')),
      deliver(sipJoined('EV_sip')),
    ]);
    expect(outcomes.sort()).toEqual(['applied', 'duplicate', 'duplicate']);
    await deliver({
      ...left('EV_left', 30, `sip_${CALLER}`),
      room: callRoom,
      participant: {
        identity: `sip_${CALLER}`,
        kind: 'sip',
        disconnectReason: 'SIP_TRUNK_FAILURE',
      },
    });
    await deliver({ ...finished('EV_end', 31), room: callRoom });
    const { items } = await calls.list(WORKSPACE_B, { limit: 10 });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      status: 'ended',
      endedReason: 'sip-failure',
      durationSeconds: 30,
    });
  });

  test('a rule other than the route’s (and a room whose dispatch is not our rule’s job) is not recorded', async () => {
    const { calls, deliver, rooms } = await setup('SDR_other');
    rooms.closeRoom(callRoom.name);
    expect(await deliver(sipJoined('EV_sip'))).toBe('ignored');
    expect((await calls.list(WORKSPACE_B, { limit: 10 })).items).toEqual([]);
  });

  test('the route’s own rule without a readable dispatch: recorded with the agent’s config as resolved now', async () => {
    const { calls, deliver, rooms } = await setup();
    rooms.closeRoom(callRoom.name);
    expect(await deliver(sipJoined('EV_sip'))).toBe('applied');
    expect((await calls.list(WORKSPACE_B, { limit: 10 })).items[0]).toMatchObject({
      config: { instructions: 'resolved now' },
      dispatchId: null,
    });
  });

  test('a number nobody routes, a join without sip.callID, or a standard participant is ignored', async () => {
    const { calls, deliver } = await setup();
    expect(await deliver(sipJoined('EV_1', { 'sip.trunkPhoneNumber': '+15550009999' }))).toBe(
      'ignored',
    );
    expect(await deliver(sipJoined('EV_2', { 'sip.callID': '' }))).toBe('ignored');
    expect(await deliver({ ...joined('EV_3', 1, 'someone'), room: callRoom })).toBe('ignored');
    expect((await calls.list(WORKSPACE_B, { limit: 10 })).items).toEqual([]);
  });
});

describe('a call no agent joins (busy worker pool)', () => {
  test('redispatchesDue: at 1×, 3×, 7× … the first delay', () => {
    expect(
      [0, 4_999, 5_000, 14_999, 15_000, 35_000, 75_000].map((ms) => redispatchesDue(ms, 5_000)),
    ).toEqual([0, 0, 1, 1, 2, 3, 4]);
  });

  const startCall = async (built: ReturnType<typeof build>) => {
    const call = await built.newCall();
    await built.rooms.createRoomWithAgentDispatch({
      roomName: 'room-1',
      agentName: AGENT_NAME,
      metadata: '{"job":1}',
    });
    return call;
  };

  test('dispatched again at 5, 15 and 35 s with the same metadata, one live dispatch each time; each attempt once however many watchers run', async () => {
    const built = build();
    const call = await startCall(built);
    const first = built.rooms.dispatchesOf('room-1')[0]!;
    built.setNow(at(4));
    expect(await built.calls.watchAgents()).toEqual({ waiting: 0, redispatched: 0, ended: 0 });
    built.setNow(at(5));
    const [a, b] = await Promise.all([built.calls.watchAgents(), built.calls.watchAgents()]);
    expect(a.redispatched + b.redispatched).toBe(1);
    const second = built.rooms.dispatchesOf('room-1');
    expect(second).toEqual([
      { id: expect.any(String) as unknown, agentName: AGENT_NAME, metadata: '{"job":1}' },
    ]);
    expect(second[0]!.id).not.toBe(first.id);
    expect((await built.calls.get(WORKSPACE_A, call.id)).dispatchId).toBe(second[0]!.id);
    built.setNow(at(10));
    expect((await built.calls.watchAgents()).redispatched).toBe(0);
    built.setNow(at(15));
    expect((await built.calls.watchAgents()).redispatched).toBe(1);
    expect(built.rooms.dispatchesOf('room-1')).toHaveLength(1);
    const detail = await built.calls.get(WORKSPACE_A, call.id);
    expect(detail.events.map((e) => e.type)).toEqual(['agent_redispatched', 'agent_redispatched']);
    expect(detail.status).toBe('started');
  });

  test('a dispatch whose job a worker took is left alone (its agent is on its way)', async () => {
    const built = build();
    await startCall(built);
    const [dispatch] = built.rooms.dispatchesOf('room-1');
    built.rooms.assignJob(dispatch!.id);
    built.setNow(at(5));
    expect((await built.calls.watchAgents()).redispatched).toBe(0);
    expect(built.rooms.dispatchesOf('room-1')).toEqual([dispatch]);
    // Seen once, the call no longer waits: not ended at the deadline though its join never came.
    const call = (await built.calls.list(WORKSPACE_A, { limit: 1 })).items[0]!;
    expect((await built.calls.get(WORKSPACE_A, call.id)).events.map((e) => e.type)).toEqual([
      'agent_job_assigned',
    ]);
    built.setNow(at(61));
    expect(await built.calls.watchAgents()).toEqual({ waiting: 0, redispatched: 0, ended: 0 });
    expect(await built.rooms.listExistingRooms(['room-1'])).toEqual(['room-1']);
  });

  test('once the agent joins, nothing more is done', async () => {
    const built = build();
    await startCall(built);
    await built.deliver(joined('EV_agent', 3, 'agent-1', 'agent'));
    built.setNow(at(61));
    expect(await built.calls.watchAgents()).toEqual({ waiting: 0, redispatched: 0, ended: 0 });
    expect(built.rooms.dispatchesOf('room-1')).toHaveLength(1);
  });

  test('past the deadline: ended no-agent-available and the room deleted, once across watchers', async () => {
    const built = build();
    const call = await startCall(built);
    built.setNow(at(60));
    const [a, b] = await Promise.all([built.calls.watchAgents(), built.calls.watchAgents()]);
    expect(a.ended + b.ended).toBe(1);
    expect(await built.rooms.listExistingRooms(['room-1'])).toEqual([]);
    expect(await built.calls.get(WORKSPACE_A, call.id)).toMatchObject({
      status: 'ended',
      endedReason: 'no-agent-available',
      endedAt: at(60).toISOString(),
    });
    // The room_finished the deletion causes does not change why it ended.
    expect(await built.deliver(finished('EV_fin', 61))).toBe('applied');
    expect((await built.calls.get(WORKSPACE_A, call.id)).endedReason).toBe('no-agent-available');
    expect(await built.calls.watchAgents()).toEqual({ waiting: 0, redispatched: 0, ended: 0 });
  });

  test('LiveKit failing: the call stays waiting and the next run tries again', async () => {
    const built = build();
    const call = await startCall(built);
    built.setNow(at(60));
    built.rooms.failWith(new Error('LiveKit is down'));
    expect(await built.calls.watchAgents()).toEqual({ waiting: 1, redispatched: 0, ended: 0 });
    expect((await built.calls.get(WORKSPACE_A, call.id)).status).toBe('started');
    built.rooms.failWith(undefined);
    expect((await built.calls.watchAgents()).ended).toBe(1);
  });
});
