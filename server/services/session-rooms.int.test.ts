// Room ownership, identity takeover and the concurrency cap on real services: room records in
// FerretDB (the Mongoose adapter), rooms and participants in a real LiveKit server
// (scripts/testing/global-setup.ts), a participant connected over WebRTC (@livekit/rtc-node).

import { randomBytes } from 'node:crypto';
import { AgentDispatchClient, RoomServiceClient } from 'livekit-server-sdk';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestParticipants, disposeParticipants } from '../../scripts/testing/participant.ts';
import { dropTestDatabase, testDatabaseUri, testLiveKit } from '../../scripts/testing/services.ts';
import { createMongooseRoomStore } from '../adapters/mongoose/room-store.mongoose.ts';
import { createLiveKitRooms } from '../livekit/livekit-rooms.ts';
import type { RoomStore } from '../ports/room-store.port.ts';
import {
  buildCaller,
  buildIdentity,
  TEST_AGENT_NAME,
  WORKSPACE_A,
  WORKSPACE_B,
} from '../testing/builders.ts';
import { trpcError } from '../testing/trpc-error.ts';
import type { SessionLimits } from './session.service.ts';

const livekit = testLiveKit();
const roomService = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
const dispatchService = new AgentDispatchClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
const participants = createTestParticipants(livekit);
let connection: Connection;
let roomStore: RoomStore;

beforeAll(async () => {
  connection = await mongoose
    .createConnection(testDatabaseUri('session_rooms'), {
      bufferCommands: false,
      serverSelectionTimeoutMS: 5000,
    })
    .asPromise();
  const store = createMongooseRoomStore(connection);
  await store.ensureIndexes();
  roomStore = store;
});

afterAll(async () => {
  await participants.disconnectAll();
  await disposeParticipants();
  if (connection) await dropTestDatabase(connection);
});

/** One server instance's services over the shared database and LiveKit. */
const instance = (limits: Partial<SessionLimits> = {}) =>
  buildCaller({
    rooms: createLiveKitRooms({ ...livekit, timeoutMs: 5000 }),
    roomStore,
    sessionLimits: limits,
  });
const roomName = (what: string) => `${what}-${randomBytes(5).toString('hex')}`;
const dispatchesOf = async (name: string) =>
  (await dispatchService.listDispatch(name)).filter((d) => d.agentName === TEST_AGENT_NAME);
const workspaceA = buildIdentity(WORKSPACE_A);
const workspaceB = buildIdentity(WORKSPACE_B);

describe('rooms belong to workspaces (real LiveKit, FerretDB)', () => {
  test('a new name is claimed and created; another workspace asking for it is NOT_FOUND and changes nothing', async () => {
    const { as } = instance();
    const name = roomName('owned');
    await as(workspaceA).session.start({ roomName: name });
    expect((await roomService.listRooms([name])).map((room) => room.name)).toEqual([name]);
    expect(await roomStore.get(WORKSPACE_A, name)).toMatchObject({
      startedBy: 'user:owner-of-' + WORKSPACE_A,
    });
    const before = await dispatchesOf(name);
    expect(before).toHaveLength(1);

    const error = await trpcError(() => as(workspaceB).session.start({ roomName: name }));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.cause).toMatchObject({
      details: { reason: 'not-found', resource: 'room', id: name },
    });
    expect((await dispatchesOf(name)).map((d) => d.id)).toEqual(before.map((d) => d.id));
  });

  test('a room made directly in LiveKit (not by Switchboard) is NOT_FOUND, gets no dispatch and no record', async () => {
    const { as } = instance();
    const name = roomName('elsewhere');
    await roomService.createRoom({ name });
    const error = await trpcError(() => as(workspaceA).session.start({ roomName: name }));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.cause).toMatchObject({ details: { resource: 'room', id: name } });
    expect(await dispatchesOf(name)).toEqual([]);
    expect(await roomStore.get(WORKSPACE_A, name)).toBeNull();
  });

  test('two workspaces racing for one new name on two instances: one wins, the other NOT_FOUND; one dispatch', async () => {
    const name = roomName('race');
    const outcomes = await Promise.allSettled([
      instance().as(workspaceA).session.start({ roomName: name }),
      instance().as(workspaceB).session.start({ roomName: name }),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({
      reason: { code: 'NOT_FOUND', cause: { details: { resource: 'room', id: name } } },
    });
    const winner = outcomes[0]?.status === 'fulfilled' ? WORKSPACE_A : WORKSPACE_B;
    expect(await roomStore.get(winner, name)).toMatchObject({ workspaceId: winner });
    expect(await dispatchesOf(name)).toHaveLength(1);
  });
});

describe('no identity takeover (a real participant connected)', () => {
  test('the identity of a connected participant is a CONFLICT at userIdentity; others join; nothing changes', async () => {
    const { as } = instance();
    const name = roomName('call');
    await as(workspaceA).session.start({ roomName: name, userIdentity: 'alice' });
    await participants.connect(name, 'alice');
    const before = await dispatchesOf(name);

    const error = await trpcError(() =>
      as(workspaceA).session.start({ roomName: name, userIdentity: 'alice' }),
    );
    expect(error.code).toBe('CONFLICT');
    expect(error.cause).toMatchObject({
      issues: [{ path: ['userIdentity'] }],
      details: { reason: 'identity-in-use', roomName: name, identity: 'alice' },
    });
    await expect(
      as(workspaceA).session.start({ roomName: name, userIdentity: 'bob' }),
    ).resolves.toMatchObject({ participantIdentity: 'bob' });
    expect((await dispatchesOf(name)).map((d) => d.id)).toEqual(before.map((d) => d.id));
  });
});

describe('the concurrency cap (rooms LiveKit still lists)', () => {
  test('at the cap a new room is too-many-sessions; once one room is gone from LiveKit there is room again', async () => {
    // A workspace of its own: the other tests' rooms do not count here.
    const workspace = buildIdentity('cccccccccccccccccccccccc');
    const { as } = instance({ concurrentMax: 2 });
    const first = await as(workspace).session.start({});
    await as(workspace).session.start({});
    const error = await trpcError(() => as(workspace).session.start({}));
    expect(error.code).toBe('TOO_MANY_REQUESTS');
    expect(error.cause).toMatchObject({ details: { reason: 'too-many-sessions', limit: 2 } });
    await roomService.deleteRoom(first.roomName);
    await expect(as(workspace).session.start({})).resolves.toBeDefined();
  });
});
