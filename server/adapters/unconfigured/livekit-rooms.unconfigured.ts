import { ServiceUnavailableError } from '../../errors.ts';
import type { LiveKitRooms } from '../../ports/livekit-rooms.port.ts';

export const LIVEKIT_NOT_CONFIGURED = 'LiveKit is not configured';

/**
 * LiveKit for a server without LIVEKIT_URL / LIVEKIT_API_KEY / LIVEKIT_API_SECRET: every call
 * answers SERVICE_UNAVAILABLE "LiveKit is not configured".
 */
export function createUnconfiguredLiveKitRooms(): LiveKitRooms {
  const refuse = async (): Promise<never> => {
    throw new ServiceUnavailableError(LIVEKIT_NOT_CONFIGURED, {
      service: 'livekit',
      reason: 'not-configured',
    });
  };
  return {
    serverUrl: '',
    ensureAgentDispatch: refuse,
    createRoomWithAgentDispatch: refuse,
    mintParticipantToken: refuse,
    listExistingRooms: refuse,
    getParticipant: refuse,
    listAgentDispatches: refuse,
    redispatchAgent: refuse,
    deleteRoom: refuse,
  };
}
