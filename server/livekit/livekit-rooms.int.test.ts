import { AgentDispatchClient, RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, describe, expect, test } from 'vitest';
import { createTestParticipants, disposeParticipants } from '../../scripts/testing/participant.ts';
import { testLiveKit } from '../../scripts/testing/services.ts';
import { ServiceUnavailableError } from '../errors.ts';
import { createMemoryLogger } from '../logger.ts';
import { describeLiveKitRoomsContract } from '../ports/livekit-rooms.contract.ts';
import { createLiveKitRooms } from './livekit-rooms.ts';

// The real adapter against the LiveKit server the test run started (scripts/testing/global-setup.ts).

let participants: ReturnType<typeof createTestParticipants> | undefined;
afterAll(async () => {
  await participants?.disconnectAll();
  await disposeParticipants();
});

describeLiveKitRoomsContract('livekit-server-sdk against a real LiveKit', async () => {
  const livekit = testLiveKit();
  const roomService = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
  const dispatchService = new AgentDispatchClient(
    livekit.httpUrl,
    livekit.apiKey,
    livekit.apiSecret,
  );
  participants = createTestParticipants(livekit);
  const connected = participants;
  return {
    rooms: createLiveKitRooms({ ...livekit, timeoutMs: 5000 }),
    apiKey: livekit.apiKey,
    apiSecret: livekit.apiSecret,
    createEmptyRoom: async (name) => {
      await roomService.createRoom({ name });
    },
    listDispatches: async (roomName) =>
      (await dispatchService.listDispatch(roomName)).map(({ id, agentName, metadata }) => ({
        id,
        agentName,
        metadata,
      })),
    connectParticipant: async (roomName, identity) => {
      await connected.connect(roomName, identity);
    },
  };
});

describe('real LiveKit refusing us', () => {
  test('a wrong API secret is SERVICE_UNAVAILABLE naming the settings, and nothing logged holds a token', async () => {
    const livekit = testLiveKit();
    const logger = createMemoryLogger();
    const wrongSecret = `${livekit.apiSecret}-wrong`;
    const rooms = createLiveKitRooms({
      ...livekit,
      apiSecret: wrongSecret,
      timeoutMs: 5000,
      logger,
    });
    const error = await rooms
      .ensureAgentDispatch({ roomName: 'nope', agentName: 'a', metadata: '{}' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).message).toMatch(/^LiveKit refused the server’s API credentials/);
    const logged = logger.lines.join('\n');
    expect(logged).toContain('[redacted token]'); // LiveKit echoed the token; we cut it out
    expect(logged).not.toMatch(/eyJ[\w-]*\.[\w-]+\.[\w-]+/);
    expect(logged).not.toContain(wrongSecret);
  });
});
