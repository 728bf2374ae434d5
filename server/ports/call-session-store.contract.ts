import { beforeEach, describe, expect, test } from 'vitest';
import {
  startedLifecycle,
  type CallEventRecord,
  type CallLifecycle,
  type CallSessionStore,
  type NewCallSession,
} from './call-session-store.port.ts';

/** The workspace most tests work in, and another one that must never see into it. */
const WS = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const OTHER_WS = 'bbbbbbbbbbbbbbbbbbbbbbbb';
const AGENT = '64b000000000000000000a0a';
const OTHER_AGENT = '64b000000000000000000b0b';

/**
 * The behaviour every CallSessionStore adapter must have. Each adapter's test file runs it:
 * `describeCallSessionStoreContract('memory', async () => createMemoryCallSessionStore())`.
 * `makeStore` is called before every test and must return an empty store.
 */
export function describeCallSessionStoreContract(
  name: string,
  makeStore: () => Promise<CallSessionStore>,
): void {
  describe(`CallSessionStore contract: ${name}`, () => {
    let store: CallSessionStore;
    beforeEach(async () => {
      store = await makeStore();
    });

    // Whole seconds from a fixed point: every adapter keeps milliseconds exactly.
    const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, second));
    const buildSession = (overrides: Partial<NewCallSession> = {}): NewCallSession => ({
      workspaceId: WS,
      type: 'web',
      agentId: AGENT,
      roomName: 'support:42',
      config: { instructions: 'Be brief.', llm: { provider: 'openai', model: 'm' } },
      configHash: 'ab'.repeat(32),
      overrides: { greeting: 'Hi' },
      startedBy: 'user:u1',
      createdAt: at(0),
      ...overrides,
    });
    const buildEvent = (overrides: Partial<CallEventRecord> = {}): CallEventRecord => ({
      id: 'EV_1',
      workspaceId: WS,
      sessionId: '000000000000000000000000',
      type: 'participant_joined',
      at: at(1),
      roomSid: 'RM_1',
      participant: { identity: 'caller', kind: 'standard' },
      ...overrides,
    });

    test('a created call reads back exactly, started and without participants, in its workspace only', async () => {
      const created = await store.create(buildSession());
      expect(created).toEqual({
        ...buildSession(),
        ...startedLifecycle(),
        sip: null,
        dispatchId: null,
        agentVersion: null,
        draft: false,
        id: expect.stringMatching(/^[0-9a-f]{24}$/) as unknown,
      });
      expect(await store.get(WS, created.id)).toEqual(created);
      expect(await store.get(OTHER_WS, created.id)).toBeNull();
      expect(await store.get(WS, 'ffffffffffffffffffffffff')).toBeNull();
    });

    test('a call pinned to a published version keeps its number', async () => {
      const created = await store.create(buildSession({ agentVersion: 3 }));
      expect(await store.get(WS, created.id)).toMatchObject({ agentVersion: 3, draft: false });
    });

    test('a call that ran the draft is marked as such', async () => {
      const created = await store.create(buildSession({ agentVersion: null, draft: true }));
      expect(await store.get(WS, created.id)).toMatchObject({ agentVersion: null, draft: true });
    });

    test('a call from overrides alone keeps agentId and overrides null', async () => {
      const created = await store.create(buildSession({ agentId: null, overrides: null }));
      expect(await store.get(WS, created.id)).toMatchObject({ agentId: null, overrides: null });
    });

    test('list: the workspace’s calls newest first, ties broken by id, at most limit', async () => {
      const ids: string[] = [];
      for (const [i, workspaceId] of [WS, WS, OTHER_WS, WS].entries()) {
        ids.push(
          (await store.create(buildSession({ workspaceId, roomName: `r${i}`, createdAt: at(i) })))
            .id,
        );
      }
      const tie = await store.create(buildSession({ roomName: 'tie', createdAt: at(3) }));
      const names = async (query: Parameters<CallSessionStore['list']>[1]) =>
        (await store.list(WS, query)).map((s) => s.roomName);
      const tieFirst = tie.id > ids[3]! ? ['tie', 'r3'] : ['r3', 'tie'];
      expect(await names({ limit: 10 })).toEqual([...tieFirst, 'r1', 'r0']);
      expect(await names({ limit: 2 })).toEqual(tieFirst);
      expect((await store.list(OTHER_WS, { limit: 10 })).map((s) => s.id)).toEqual([ids[2]]);
    });

    test('list: keyset paging walks every call once, across equal createdAt', async () => {
      for (let i = 0; i < 7; i++) {
        await store.create(buildSession({ roomName: `p${i}`, createdAt: at(Math.floor(i / 3)) }));
      }
      const seen: string[] = [];
      let after: { createdAt: Date; id: string } | undefined;
      for (;;) {
        const page = await store.list(WS, { limit: 3, ...(after && { after }) });
        seen.push(...page.map((s) => s.roomName));
        const last = page.at(-1);
        if (page.length < 3 || !last) break;
        after = { createdAt: last.createdAt, id: last.id };
      }
      expect(seen).toHaveLength(7);
      expect(new Set(seen).size).toBe(7);
      expect(seen.slice(0, 1)).toEqual(['p6']);
    });

    test('list: filters by agent, status, type and createdAt range, each and combined', async () => {
      const a = await store.create(buildSession({ roomName: 'a', createdAt: at(10) }));
      await store.create(buildSession({ roomName: 'b', agentId: OTHER_AGENT, createdAt: at(20) }));
      await store.create(buildSession({ roomName: 'c', agentId: null, createdAt: at(30) }));
      await store.create(buildSession({ roomName: 'd', workspaceId: OTHER_WS, createdAt: at(15) }));
      await store.saveLifecycle(WS, a.id, {
        ...startedLifecycle(),
        status: 'ended',
        endedAt: at(12),
        endedReason: 'room-finished',
      });
      const names = async (query: Omit<Parameters<CallSessionStore['list']>[1], 'limit'>) =>
        (await store.list(WS, { limit: 10, ...query })).map((s) => s.roomName);
      expect(await names({ agentId: AGENT })).toEqual(['a']);
      expect(await names({ status: 'started' })).toEqual(['c', 'b']);
      expect(await names({ status: 'ended' })).toEqual(['a']);
      expect(await names({ type: 'web' })).toEqual(['c', 'b', 'a']);
      expect(await names({ from: at(20) })).toEqual(['c', 'b']);
      expect(await names({ to: at(20) })).toEqual(['a']);
      expect(await names({ from: at(10), to: at(30) })).toEqual(['b', 'a']);
      expect(await names({ agentId: OTHER_AGENT, status: 'started', from: at(0) })).toEqual(['b']);
      expect(await names({ agentId: AGENT, status: 'started' })).toEqual([]);
    });

    test('latestForRoom: the newest call of that room name, whichever workspace', async () => {
      await store.create(buildSession({ createdAt: at(1) }));
      const newer = await store.create(buildSession({ createdAt: at(5) }));
      await store.create(buildSession({ roomName: 'other', createdAt: at(9) }));
      expect(await store.latestForRoom('support:42')).toEqual(newer);
      expect(await store.latestForRoom('nobody')).toBeNull();
      const elsewhere = await store.create(buildSession({ roomName: 'x', workspaceId: OTHER_WS }));
      expect(await store.latestForRoom('x')).toEqual(elsewhere);
    });

    test('listOpen: calls not ended, created before a time, oldest first, across workspaces', async () => {
      const first = await store.create(buildSession({ roomName: 'o1', createdAt: at(1) }));
      const ended = await store.create(buildSession({ roomName: 'o2', createdAt: at(2) }));
      const active = await store.create(
        buildSession({ roomName: 'o3', workspaceId: OTHER_WS, createdAt: at(3) }),
      );
      await store.create(buildSession({ roomName: 'o4', createdAt: at(9) }));
      await store.saveLifecycle(WS, ended.id, {
        ...startedLifecycle(),
        status: 'ended',
        endedAt: at(4),
        endedReason: 'room-finished',
      });
      await store.saveLifecycle(OTHER_WS, active.id, {
        ...startedLifecycle(),
        status: 'active',
        activeAt: at(4),
      });
      const open = await store.listOpen({ createdBefore: at(9), limit: 10 });
      expect(open.map((s) => s.roomName)).toEqual(['o1', 'o3']);
      expect(open[0]).toEqual(first);
      expect(
        (await store.listOpen({ createdBefore: at(9), limit: 1 })).map((s) => s.roomName),
      ).toEqual(['o1']);
    });

    test('an event is recorded once: the same id again is false and changes nothing', async () => {
      const session = await store.create(buildSession());
      const event = buildEvent({ sessionId: session.id });
      expect(await store.recordEvent(event)).toBe(true);
      expect(await store.recordEvent({ ...event, type: 'participant_left', at: at(9) })).toBe(
        false,
      );
      expect(await store.listEvents(WS, session.id)).toEqual([event]);
      expect(await store.listEvents(OTHER_WS, session.id)).toEqual([]);
    });

    test('racing records of one event id: exactly one is true', async () => {
      const session = await store.create(buildSession());
      const outcomes = await Promise.all(
        [1, 2, 3, 4, 5].map(() => store.recordEvent(buildEvent({ sessionId: session.id }))),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      expect(await store.listEvents(WS, session.id)).toHaveLength(1);
    });

    test('listEvents answers the call’s events only; an event without participant keeps null', async () => {
      const one = await store.create(buildSession());
      const two = await store.create(buildSession({ roomName: 'two' }));
      const started = buildEvent({
        id: 'EV_a',
        sessionId: one.id,
        type: 'room_started',
        participant: null,
        roomSid: null,
      });
      await store.recordEvent(started);
      await store.recordEvent(buildEvent({ id: 'EV_b', sessionId: two.id }));
      expect(await store.listEvents(WS, one.id)).toEqual([started]);
    });

    test('saveLifecycle replaces the lifecycle and nothing else, in its workspace only', async () => {
      const session = await store.create(buildSession());
      const lifecycle: CallLifecycle = {
        status: 'active',
        roomSid: 'RM_1',
        activeAt: at(2),
        endedAt: null,
        endedReason: null,
        participants: [
          { identity: 'caller', kind: 'standard', joinedAt: at(2), leftAt: null },
          { identity: 'agent-1', kind: 'agent', joinedAt: at(1), leftAt: at(3) },
        ],
        awaitingAgent: false,
      };
      await store.saveLifecycle(WS, session.id, lifecycle);
      expect(await store.get(WS, session.id)).toEqual({ ...session, ...lifecycle });
      await store.saveLifecycle(OTHER_WS, session.id, startedLifecycle());
      expect(await store.get(WS, session.id)).toEqual({ ...session, ...lifecycle });
    });

    const sip = (fromNumber: string | null, toNumber: string | null) => ({
      callId: 'SCL_1',
      trunkId: 'ST_1',
      ruleId: 'SDR_1',
      fromNumber,
      toNumber,
    });

    test('an inbound call keeps its SIP leg and dispatch id; saveDispatchId replaces the id only', async () => {
      const created = await store.create(
        buildSession({
          type: 'inbound-phone',
          sip: sip('+15550001111', '+15550002222'),
          dispatchId: 'AD_1',
          overrides: null,
        }),
      );
      expect(created).toMatchObject({
        sip: sip('+15550001111', '+15550002222'),
        dispatchId: 'AD_1',
      });
      expect(await store.get(WS, created.id)).toEqual(created);
      await store.saveDispatchId(WS, created.id, 'AD_2');
      await store.saveDispatchId(OTHER_WS, created.id, 'AD_other');
      expect(await store.get(WS, created.id)).toEqual({ ...created, dispatchId: 'AD_2' });
    });

    test('list: phoneNumber matches the calling or the called number, in the workspace only', async () => {
      await store.create(
        buildSession({
          roomName: 'from',
          type: 'inbound-phone',
          sip: sip('+15550001111', '+15550009999'),
          createdAt: at(1),
        }),
      );
      await store.create(
        buildSession({
          roomName: 'to',
          type: 'inbound-phone',
          sip: sip('+15550002222', '+15550001111'),
          createdAt: at(2),
        }),
      );
      await store.create(
        buildSession({
          roomName: 'nofrom',
          type: 'inbound-phone',
          sip: sip(null, '+15550009999'),
          createdAt: at(3),
        }),
      );
      await store.create(buildSession({ roomName: 'web', createdAt: at(4) }));
      await store.create(
        buildSession({
          roomName: 'theirs',
          workspaceId: OTHER_WS,
          type: 'inbound-phone',
          sip: sip('+15550001111', '+15550009999'),
          createdAt: at(5),
        }),
      );
      const names = async (query: Omit<Parameters<CallSessionStore['list']>[1], 'limit'>) =>
        (await store.list(WS, { limit: 10, ...query })).map((s) => s.roomName);
      expect(await names({ phoneNumber: '+15550001111' })).toEqual(['to', 'from']);
      expect(await names({ phoneNumber: '+15550009999' })).toEqual(['nofrom', 'from']);
      expect(await names({ phoneNumber: '+15550009999', from: at(2) })).toEqual(['nofrom']);
      expect(await names({ phoneNumber: '+15550003333' })).toEqual([]);
    });

    test('createOnce: racing creates of one key make one call, which all of them answer', async () => {
      const outcomes = await Promise.all(
        [1, 2, 3, 4, 5].map((n) =>
          store.createOnce(
            'inbound:call_x:RM_1',
            buildSession({ startedBy: `racer:${n}`, type: 'inbound-phone' }),
          ),
        ),
      );
      expect(outcomes.filter((o) => o.created)).toHaveLength(1);
      const ids = new Set(outcomes.map((o) => o.session.id));
      expect(ids.size).toBe(1);
      const winner = outcomes.find((o) => o.created)!.session;
      expect(outcomes.every((o) => o.session.startedBy === winner.startedBy)).toBe(true);
      expect(await store.list(WS, { limit: 10 })).toEqual([winner]);
      const other = await store.createOnce('inbound:call_x:RM_2', buildSession());
      expect(other.created).toBe(true);
      expect(other.session.id).not.toBe(winner.id);
    });

    test('listAwaitingAgent: open calls of the type no agent joined, created before a time, oldest first', async () => {
      const waiting = await store.create(buildSession({ roomName: 'w1', createdAt: at(1) }));
      const joined = await store.create(buildSession({ roomName: 'w2', createdAt: at(2) }));
      await store.create(buildSession({ roomName: 'w3', type: 'inbound-phone', createdAt: at(3) }));
      const other = await store.create(
        buildSession({ roomName: 'w4', workspaceId: OTHER_WS, createdAt: at(4) }),
      );
      await store.create(buildSession({ roomName: 'w5', createdAt: at(9) }));
      await store.saveLifecycle(WS, joined.id, { ...startedLifecycle(), awaitingAgent: false });
      const names = (calls: { roomName: string }[]) => calls.map((c) => c.roomName);
      expect(
        names(await store.listAwaitingAgent({ type: 'web', createdBefore: at(9), limit: 10 })),
      ).toEqual(['w1', 'w4']);
      expect(
        names(await store.listAwaitingAgent({ type: 'web', createdBefore: at(9), limit: 1 })),
      ).toEqual(['w1']);
      expect(
        names(
          await store.listAwaitingAgent({ type: 'inbound-phone', createdBefore: at(9), limit: 10 }),
        ),
      ).toEqual(['w3']);
      expect(
        (await store.listAwaitingAgent({ type: 'web', createdBefore: at(9), limit: 10 }))[0],
      ).toEqual(waiting);
      await store.saveLifecycle(OTHER_WS, other.id, {
        ...startedLifecycle(),
        status: 'ended',
        endedAt: at(5),
        endedReason: 'no-agent-available',
        awaitingAgent: false,
      });
      expect(
        names(await store.listAwaitingAgent({ type: 'web', createdBefore: at(9), limit: 10 })),
      ).toEqual(['w1']);
    });

    test('an event keeps the participant’s disconnect reason', async () => {
      const session = await store.create(buildSession());
      const left = buildEvent({
        id: 'EV_left',
        sessionId: session.id,
        type: 'participant_left',
        participant: { identity: 'phone', kind: 'sip', disconnectReason: 'SIP_TRUNK_FAILURE' },
      });
      await store.recordEvent(left);
      expect(await store.listEvents(WS, session.id)).toEqual([left]);
    });

    test('ping resolves', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
