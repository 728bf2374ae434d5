import { randomBytes } from 'node:crypto';
import type {
  AgentDispatchRecord,
  LiveKitRooms,
  ParticipantTokenRequest,
} from '../../ports/livekit-rooms.port.ts';
import { mintParticipantToken, toWebSocketUrl } from '../../livekit/participant-token.ts';

export interface MemoryLiveKitRooms extends LiveKitRooms {
  /** Every dispatch of a room (any agent), in creation order; [] when there is no such room. */
  dispatchesOf(roomName: string): AgentDispatchRecord[];
  /** A worker took this dispatch's job (listAgentDispatches says `jobAssigned`). */
  assignJob(dispatchId: string): void;
  /** A room with no dispatch, as a participant's plain join would leave it. */
  createEmptyRoom(roomName: string): void;
  /** A participant joins (the room is created if need be, as a join would). */
  connectParticipant(roomName: string, identity: string): void;
  /** A participant leaves. */
  disconnectParticipant(roomName: string, identity: string): void;
  /** The room ends (LiveKit closes it once empty): it and its dispatches and participants go. */
  closeRoom(roomName: string): void;
  /**
   * Server API calls made so far (ListRooms, CreateRoom, ListDispatch, CreateDispatch,
   * GetParticipant).
   */
  readonly calls: number;
  /** While set, every server API call rejects with this error (tokens are still minted). */
  failWith(error: Error | undefined): void;
}

export interface MemoryLiveKitRoomsOptions {
  url?: string;
  apiKey?: string;
  apiSecret?: string;
  /** Milliseconds each server API call waits, so that tests can interleave racing callers. */
  latencyMs?: number;
}

export const MEMORY_LIVEKIT_API_KEY = 'APImemory';
export const MEMORY_LIVEKIT_API_SECRET = 'memory-livekit-secret-for-unit-tests-only-0123456789';

/**
 * LiveKitRooms in memory, for unit tests of the code around it: the same observable behaviour as
 * the real adapter (the contract suite runs on both) and real signed tokens, with calls that
 * yield between steps exactly where LiveKit's would.
 */
export function createMemoryLiveKitRooms(
  options: MemoryLiveKitRoomsOptions = {},
): MemoryLiveKitRooms {
  const apiKey = options.apiKey ?? MEMORY_LIVEKIT_API_KEY;
  const apiSecret = options.apiSecret ?? MEMORY_LIVEKIT_API_SECRET;
  const rooms = new Map<string, AgentDispatchRecord[]>();
  const participants = new Map<string, Set<string>>();
  /** Dispatches whose job a worker took (`assignJob`). */
  const assigned = new Set<string>();
  let failure: Error | undefined;
  let calls = 0;

  const serverCall = async <T>(run: () => T): Promise<T> => {
    calls++;
    await new Promise((resolve) => setTimeout(resolve, options.latencyMs ?? 0));
    if (failure) throw failure;
    return run();
  };
  const newDispatch = (roomName: string, agentName: string, metadata: string) => {
    const dispatch = { id: `AD_${randomBytes(6).toString('hex')}`, agentName, metadata };
    rooms.get(roomName)?.push(dispatch);
    return dispatch;
  };

  return {
    serverUrl: toWebSocketUrl(options.url ?? 'ws://127.0.0.1:7880'),

    async ensureAgentDispatch({ roomName, agentName, metadata }) {
      const existed = await serverCall(() => rooms.has(roomName));
      if (!existed) {
        await serverCall(() => {
          if (rooms.has(roomName)) return; // CreateRoom of an existing room changes nothing
          rooms.set(roomName, []);
          newDispatch(roomName, agentName, metadata);
        });
      }
      const dispatches = await serverCall(() =>
        (rooms.get(roomName) ?? []).filter((d) => d.agentName === agentName).map((d) => ({ ...d })),
      );
      if (dispatches.length > 0) {
        return { created: !existed && dispatches.some((d) => d.metadata === metadata), dispatches };
      }
      const made = await serverCall(() => ({ ...newDispatch(roomName, agentName, metadata) }));
      return { created: true, dispatches: [made] };
    },

    async createRoomWithAgentDispatch({ roomName, agentName, metadata }) {
      await serverCall(() => {
        if (rooms.has(roomName)) return; // CreateRoom of an existing room changes nothing
        rooms.set(roomName, []);
        newDispatch(roomName, agentName, metadata);
      });
    },

    mintParticipantToken: (request: ParticipantTokenRequest) =>
      mintParticipantToken({ apiKey, apiSecret }, request),

    async listExistingRooms(roomNames) {
      if (roomNames.length === 0) return [];
      return serverCall(() => [...new Set(roomNames)].filter((name) => rooms.has(name)));
    },

    async getParticipant(roomName, identity) {
      return serverCall(() => (participants.get(roomName)?.has(identity) ? { identity } : null));
    },

    async listAgentDispatches(roomName, agentName) {
      return serverCall(() =>
        (rooms.get(roomName) ?? [])
          .filter((d) => d.agentName === agentName)
          .map((d) => ({ ...d, jobAssigned: assigned.has(d.id) })),
      );
    },

    async redispatchAgent({ roomName, agentName, metadata }) {
      const exists = await serverCall(() => rooms.has(roomName));
      if (!exists) return null;
      await serverCall(() => {
        const list = rooms.get(roomName);
        if (list)
          rooms.set(
            roomName,
            list.filter((d) => d.agentName !== agentName),
          );
      });
      return serverCall(() =>
        rooms.has(roomName) ? { ...newDispatch(roomName, agentName, metadata) } : null,
      );
    },

    async deleteRoom(roomName) {
      return serverCall(() => {
        const existed = rooms.delete(roomName);
        participants.delete(roomName);
        return existed;
      });
    },

    assignJob(dispatchId) {
      assigned.add(dispatchId);
    },
    dispatchesOf: (roomName) => (rooms.get(roomName) ?? []).map((d) => ({ ...d })),
    createEmptyRoom: (roomName) => {
      if (!rooms.has(roomName)) rooms.set(roomName, []);
    },
    connectParticipant(roomName, identity) {
      if (!rooms.has(roomName)) rooms.set(roomName, []);
      const present = participants.get(roomName) ?? new Set<string>();
      present.add(identity);
      participants.set(roomName, present);
    },
    disconnectParticipant(roomName, identity) {
      participants.get(roomName)?.delete(identity);
    },
    closeRoom(roomName) {
      rooms.delete(roomName);
      participants.delete(roomName);
    },
    get calls() {
      return calls;
    },
    failWith(error) {
      failure = error;
    },
  };
}
