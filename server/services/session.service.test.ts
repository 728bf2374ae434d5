import { describe, expect, test } from 'vitest';
import { createMemoryAgentStore } from '../adapters/memory/agent-store.memory.ts';
import { ServiceUnavailableError } from '../errors.ts';
import { createMemoryLiveKitRooms } from '../adapters/memory/livekit-rooms.memory.ts';
import { createAgentService } from './agent.service.ts';
import { createSessionService } from './session.service.ts';
import { TEST_WORKSPACE_ID } from '../testing/builders.ts';

function build(options: { randomBytes?: (size: number) => Buffer } = {}) {
  const rooms = createMemoryLiveKitRooms();
  const agents = createAgentService({ store: createMemoryAgentStore() });
  const session = createSessionService({
    agents,
    rooms,
    agentName: 'svc-agent',
    tokenTtlSeconds: 600,
    ...options,
  });
  return { rooms, agents, session };
}

describe('session service (without tRPC)', () => {
  test('room names and identities come from the random source: 128 bits for a room', async () => {
    const sizes: number[] = [];
    const { session } = build({
      randomBytes: (size) => {
        sizes.push(size);
        return Buffer.alloc(size, 0xfb);
      },
    });
    const started = await session.start(TEST_WORKSPACE_ID, {});
    expect(sizes).toEqual([16, 9]);
    expect(started.roomName).toBe(`sb-${Buffer.alloc(16, 0xfb).toString('base64url')}`);
    expect(started.participantIdentity).toBe(`user-${Buffer.alloc(9, 0xfb).toString('base64url')}`);
  });

  test('a generated room costs one LiveKit call, which creates it with the dispatch', async () => {
    const { session, rooms } = build();
    const started = await session.start(TEST_WORKSPACE_ID, { agentConfig: { greeting: 'Hi' } });
    expect(rooms.calls).toBe(1);
    expect(rooms.dispatchesOf(started.roomName)).toEqual([
      expect.objectContaining({
        agentName: 'svc-agent',
        metadata: JSON.stringify({ agentId: null, config: started.config }),
      }),
    ]);
  });

  test('a given room name is looked up first, and its dispatch compared', async () => {
    const { session, rooms } = build();
    await session.start(TEST_WORKSPACE_ID, { roomName: 'given' });
    const calls = rooms.calls;
    expect(calls).toBeGreaterThan(1); // ListRooms, CreateRoom, ListDispatch
    await session.start(TEST_WORKSPACE_ID, { roomName: 'given' });
    expect(rooms.dispatchesOf('given')).toHaveLength(1);
    await expect(
      session.start(TEST_WORKSPACE_ID, { roomName: 'given', agentConfig: { greeting: 'other' } }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  test('a start that failed does not hold up the next one for the same room', async () => {
    const { session, rooms } = build();
    rooms.failWith(
      new ServiceUnavailableError('LiveKit is not answering', {
        service: 'livekit',
        reason: 'unavailable',
      }),
    );
    await expect(session.start(TEST_WORKSPACE_ID, { roomName: 'again' })).rejects.toThrow(
      ServiceUnavailableError,
    );
    rooms.failWith(undefined);
    await expect(session.start(TEST_WORKSPACE_ID, { roomName: 'again' })).resolves.toMatchObject({
      roomName: 'again',
    });
    expect(rooms.dispatchesOf('again')).toHaveLength(1);
  });

  test('a dispatch whose metadata is not JSON (someone else’s) is a CONFLICT, not a crash', async () => {
    const { session, rooms } = build();
    await rooms.ensureAgentDispatch({
      roomName: 'foreign',
      agentName: 'svc-agent',
      metadata: 'not json',
    });
    await expect(session.start(TEST_WORKSPACE_ID, { roomName: 'foreign' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });
});
