// A real participant for integration tests: joins a LiveKit room over WebRTC (@livekit/rtc-node)
// with a token of its own, so LiveKit lists it in the room as it would a person on a call.

import { dispose, Room } from '@livekit/rtc-node';
import { AccessToken } from 'livekit-server-sdk';
import type { TestLiveKit } from './services.ts';

export interface TestParticipants {
  /** Joins `roomName` as `identity` (LiveKit creates the room if need be); resolves once connected. */
  connect(roomName: string, identity: string): Promise<Room>;
  /** Disconnects every participant this set connected. */
  disconnectAll(): Promise<void>;
}

export function createTestParticipants(livekit: TestLiveKit): TestParticipants {
  const open: Room[] = [];
  return {
    async connect(roomName, identity) {
      const token = new AccessToken(livekit.apiKey, livekit.apiSecret, { identity, ttl: '10m' });
      token.addGrant({ roomJoin: true, room: roomName, canPublish: true, canSubscribe: true });
      const room = new Room();
      open.push(room);
      await room.connect(livekit.url, await token.toJwt(), {
        autoSubscribe: false,
        dynacast: false,
      });
      return room;
    },
    async disconnectAll() {
      for (const room of open.splice(0)) await room.disconnect().catch(() => undefined);
    },
  };
}

/** Frees @livekit/rtc-node's native resources: once per test file, after its last participant. */
export const disposeParticipants = dispose;
