import { describeLiveKitRoomsContract } from '../../ports/livekit-rooms.contract.ts';
import {
  createMemoryLiveKitRooms,
  MEMORY_LIVEKIT_API_KEY,
  MEMORY_LIVEKIT_API_SECRET,
} from './livekit-rooms.memory.ts';

describeLiveKitRoomsContract('memory', async () => {
  const rooms = createMemoryLiveKitRooms();
  return {
    rooms,
    apiKey: MEMORY_LIVEKIT_API_KEY,
    apiSecret: MEMORY_LIVEKIT_API_SECRET,
    createEmptyRoom: async (roomName) => rooms.createEmptyRoom(roomName),
    listDispatches: async (roomName) => rooms.dispatchesOf(roomName),
    connectParticipant: async (roomName, identity) => rooms.connectParticipant(roomName, identity),
  };
});
