import { randomBytes } from 'node:crypto';
import { TokenVerifier } from 'livekit-server-sdk';
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import type { AgentDispatchRecord, LiveKitRooms } from './livekit-rooms.port.ts';

export interface LiveKitRoomsHarness {
  rooms: LiveKitRooms;
  apiKey: string;
  apiSecret: string;
  /** Makes a room with no dispatch of any named agent, as a plain participant join would. */
  createEmptyRoom(roomName: string): Promise<void>;
  /** Every dispatch the room has, any agent. */
  listDispatches(roomName: string): Promise<AgentDispatchRecord[]>;
  /** Connects a participant to the room (creating it, as a join does) until the test ends. */
  connectParticipant(roomName: string, identity: string): Promise<void>;
}

/**
 * The behaviour every LiveKitRooms adapter must have; the memory adapter's test runs it, and so
 * does the real adapter's integration test against a LiveKit server. Room names are fresh per
 * test, so a shared server is fine.
 */
export function describeLiveKitRoomsContract(
  name: string,
  makeHarness: () => Promise<LiveKitRoomsHarness>,
): void {
  describe(`LiveKitRooms contract: ${name}`, () => {
    let harness: LiveKitRoomsHarness;
    beforeAll(async () => {
      harness = await makeHarness();
    });
    afterEach(() => {
      vi.useRealTimers();
    });
    const room = () => `contract-${randomBytes(6).toString('hex')}`;
    const agentName = 'contract-agent';

    test('a new room is created with exactly one dispatch carrying the metadata', async () => {
      const roomName = room();
      const outcome = await harness.rooms.ensureAgentDispatch({
        roomName,
        agentName,
        metadata: '{"n":1}',
      });
      expect(outcome.created).toBe(true);
      expect(outcome.dispatches).toMatchObject([{ agentName, metadata: '{"n":1}' }]);
      expect(outcome.dispatches[0]?.id).toEqual(expect.any(String));
      const listed = (await harness.listDispatches(roomName)).filter(
        (d) => d.agentName === agentName,
      );
      expect(listed).toEqual(outcome.dispatches);
    });

    test('createRoomWithAgentDispatch: a new room with exactly one dispatch carrying the metadata', async () => {
      const roomName = room();
      await harness.rooms.createRoomWithAgentDispatch({ roomName, agentName, metadata: '{"n":2}' });
      expect(await harness.listDispatches(roomName)).toEqual([
        { id: expect.any(String) as unknown, agentName, metadata: '{"n":2}' },
      ]);
      // The room is an ordinary one afterwards: ensureAgentDispatch finds the dispatch.
      const again = await harness.rooms.ensureAgentDispatch({
        roomName,
        agentName,
        metadata: '{"n":2}',
      });
      expect(again).toMatchObject({ created: false, dispatches: [{ metadata: '{"n":2}' }] });
    });

    test('a room that has the agent gets no second dispatch, whatever the metadata', async () => {
      const roomName = room();
      const first = await harness.rooms.ensureAgentDispatch({ roomName, agentName, metadata: 'a' });
      const same = await harness.rooms.ensureAgentDispatch({ roomName, agentName, metadata: 'a' });
      const other = await harness.rooms.ensureAgentDispatch({ roomName, agentName, metadata: 'b' });
      expect(same).toEqual({ created: false, dispatches: first.dispatches });
      expect(other).toEqual({ created: false, dispatches: first.dispatches });
      expect(
        (await harness.listDispatches(roomName)).filter((d) => d.agentName === agentName),
      ).toHaveLength(1);
    });

    test('an existing room without the agent gets one dispatch added', async () => {
      const roomName = room();
      await harness.createEmptyRoom(roomName);
      const outcome = await harness.rooms.ensureAgentDispatch({
        roomName,
        agentName,
        metadata: 'm',
      });
      expect(outcome).toMatchObject({ created: true, dispatches: [{ agentName, metadata: 'm' }] });
      expect(outcome.dispatches).toHaveLength(1);
      expect(
        (await harness.listDispatches(roomName)).filter((d) => d.agentName === agentName),
      ).toHaveLength(1);
    });

    test('another agent in the same room is another dispatch', async () => {
      const roomName = room();
      await harness.rooms.ensureAgentDispatch({ roomName, agentName, metadata: 'm' });
      const outcome = await harness.rooms.ensureAgentDispatch({
        roomName,
        agentName: 'other-agent',
        metadata: 'o',
      });
      expect(outcome.created).toBe(true);
      const named = (await harness.listDispatches(roomName)).filter((d) => d.agentName !== '');
      expect(named.map((d) => d.agentName).sort()).toEqual([agentName, 'other-agent']);
    });

    test('a participant token: identity, join grant for that room only, TTL, the agent in its room configuration', async () => {
      const roomName = room();
      // The clock stands still (timers still run), so the expiry is exact however slow the machine.
      const now = Math.floor(Date.now() / 1000);
      vi.useFakeTimers({ toFake: ['Date'], now: now * 1000 });
      const { token, expiresAt } = await harness.rooms.mintParticipantToken({
        roomName,
        identity: 'caller:1@example',
        ttlSeconds: 120,
        agentName,
        metadata: '{"agentId":null}',
      });
      const claims = await new TokenVerifier(harness.apiKey, harness.apiSecret).verify(token);
      expect(claims.sub).toBe('caller:1@example');
      expect(claims.video).toEqual({
        roomJoin: true,
        room: roomName,
        canPublish: true,
        canSubscribe: true,
        canPublishData: true,
      });
      expect(claims.roomConfig?.agents).toEqual([
        expect.objectContaining({ agentName, metadata: '{"agentId":null}' }),
      ]);
      expect(claims.nbf).toBe(now);
      expect(claims.exp).toBe(now + 120);
      expect(expiresAt.getTime()).toBe((now + 120) * 1000);
      await expect(
        new TokenVerifier(harness.apiKey, `${harness.apiSecret}x`).verify(token),
      ).rejects.toThrow();
    });

    test('listExistingRooms names the rooms that exist, leaving the others out', async () => {
      const [a, b, missing] = [room(), room(), room()];
      await harness.createEmptyRoom(a);
      await harness.rooms.createRoomWithAgentDispatch({ roomName: b, agentName, metadata: 'm' });
      expect((await harness.rooms.listExistingRooms([a, missing, b])).sort()).toEqual(
        [a, b].sort(),
      );
      expect(await harness.rooms.listExistingRooms([missing])).toEqual([]);
    });

    test('listExistingRooms of no names is empty (not every room of the server)', async () => {
      await harness.createEmptyRoom(room());
      expect(await harness.rooms.listExistingRooms([])).toEqual([]);
    });

    test('getParticipant: a connected participant is found; a missing one or a missing room is null', async () => {
      const roomName = room();
      expect(await harness.rooms.getParticipant(roomName, 'nobody')).toBeNull();
      await harness.connectParticipant(roomName, 'present:1@example');
      expect(await harness.rooms.getParticipant(roomName, 'present:1@example')).toEqual({
        identity: 'present:1@example',
      });
      expect(await harness.rooms.getParticipant(roomName, 'absent')).toBeNull();
    });

    test('redispatchAgent: the room ends up with exactly one dispatch of the agent, the new one; other agents keep theirs', async () => {
      const roomName = room();
      await harness.rooms.createRoomWithAgentDispatch({ roomName, agentName, metadata: '{"n":1}' });
      await harness.rooms.ensureAgentDispatch({ roomName, agentName: 'bystander', metadata: 'b' });
      const [first] = await harness.rooms.listAgentDispatches(roomName, agentName);
      const made = await harness.rooms.redispatchAgent({
        roomName,
        agentName,
        metadata: '{"n":2}',
      });
      expect(made).toEqual({ id: expect.any(String) as unknown, agentName, metadata: '{"n":2}' });
      expect(made?.id).not.toBe(first?.id);
      // No worker of this name exists: nobody has the job.
      expect(await harness.rooms.listAgentDispatches(roomName, agentName)).toEqual([
        { ...made, jobAssigned: false },
      ]);
      const again = await harness.rooms.redispatchAgent({
        roomName,
        agentName,
        metadata: '{"n":3}',
      });
      expect(await harness.rooms.listAgentDispatches(roomName, agentName)).toEqual([
        { ...again, jobAssigned: false },
      ]);
      expect(
        (await harness.listDispatches(roomName)).filter((d) => d.agentName === 'bystander'),
      ).toHaveLength(1);
    });

    test('redispatchAgent and listAgentDispatches of a missing room: null and [], nothing created', async () => {
      const roomName = room();
      expect(
        await harness.rooms.redispatchAgent({ roomName, agentName, metadata: 'm' }),
      ).toBeNull();
      expect(await harness.rooms.listAgentDispatches(roomName, agentName)).toEqual([]);
      expect(await harness.rooms.listExistingRooms([roomName])).toEqual([]);
    });

    test('deleteRoom: the room goes (true); a missing room is false', async () => {
      const roomName = room();
      await harness.rooms.createRoomWithAgentDispatch({ roomName, agentName, metadata: 'm' });
      expect(await harness.rooms.deleteRoom(roomName)).toBe(true);
      expect(await harness.rooms.listExistingRooms([roomName])).toEqual([]);
      expect(await harness.rooms.deleteRoom(room())).toBe(false);
    });

    test('serverUrl is a WebSocket URL', () => {
      expect(harness.rooms.serverUrl).toMatch(/^wss?:\/\//);
    });
  });
}
