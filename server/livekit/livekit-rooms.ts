import {
  AgentDispatchClient,
  RoomAgentDispatch,
  RoomServiceClient,
  ServerError,
  type AgentDispatch,
} from 'livekit-server-sdk';
import { AppError, ServiceUnavailableError, ValidationError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { AgentDispatchRecord, LiveKitRooms } from '../ports/livekit-rooms.port.ts';
import {
  mintParticipantToken,
  redactTokens,
  toHttpUrl,
  toWebSocketUrl,
} from './participant-token.ts';

export interface LiveKitRoomsOptions {
  /** LIVEKIT_URL: ws(s):// or http(s)://. */
  url: string;
  apiKey: string;
  apiSecret: string;
  /** LIVEKIT_TIMEOUT_MS: the longest one `ensureAgentDispatch` may take, all its calls included. */
  timeoutMs: number;
  logger?: Logger;
}

export const LIVEKIT_NOT_ANSWERING = 'LiveKit is not answering';

/**
 * LiveKitRooms over LiveKit's server API (Twirp over HTTP) with livekit-server-sdk. Every call is
 * bounded by `timeoutMs`, and failures become AppErrors without tokens in their messages.
 */
export function createLiveKitRooms(options: LiveKitRoomsOptions): LiveKitRooms {
  const { apiKey, apiSecret, timeoutMs, logger } = options;
  const httpUrl = toHttpUrl(options.url);
  // The SDK's own per-request timeout (seconds) aborts the fetch; failover is for LiveKit Cloud.
  const clientOptions = { requestTimeout: timeoutMs / 1000, failover: false };
  const roomService = new RoomServiceClient(httpUrl, apiKey, apiSecret, clientOptions);
  const dispatchService = new AgentDispatchClient(httpUrl, apiKey, apiSecret, clientOptions);

  const call = async <T>(operation: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      const converted = toAppError(error, timeoutMs);
      logger?.warn('LiveKit request failed', {
        operation,
        url: httpUrl,
        code: converted instanceof AppError ? converted.code : 'INTERNAL_SERVER_ERROR',
        error: converted.cause ?? converted,
      });
      throw converted;
    }
  };

  return {
    serverUrl: toWebSocketUrl(options.url),

    ensureAgentDispatch({ roomName, agentName, metadata }) {
      return withDeadline(timeoutMs, async () => {
        // ListDispatch on a room that does not exist waits ~3 s for "no response from servers",
        // so the room is looked up first.
        const existing = await call('ListRooms', () => roomService.listRooms([roomName]));
        let createdRoom = false;
        if (existing.length === 0) {
          // Creating the room with the dispatch makes both at once. Had someone else created the
          // room in between, CreateRoom returns it unchanged: the listing below tells.
          await call('CreateRoom', () =>
            roomService.createRoom({
              name: roomName,
              agents: [new RoomAgentDispatch({ agentName, metadata })],
            }),
          );
          createdRoom = true;
        }
        const dispatches = (
          await call('ListDispatch', () => dispatchService.listDispatch(roomName))
        )
          .filter((dispatch) => dispatch.agentName === agentName)
          .map(toRecord);
        if (dispatches.length > 0) {
          return {
            created: createdRoom && dispatches.some((dispatch) => dispatch.metadata === metadata),
            dispatches,
          };
        }
        const made = await call('CreateDispatch', () =>
          dispatchService.createDispatch(roomName, agentName, { metadata }),
        );
        return { created: true, dispatches: [toRecord(made)] };
      });
    },

    async createRoomWithAgentDispatch({ roomName, agentName, metadata }) {
      await withDeadline(timeoutMs, () =>
        call('CreateRoom', () =>
          roomService.createRoom({
            name: roomName,
            agents: [new RoomAgentDispatch({ agentName, metadata })],
          }),
        ),
      );
    },

    mintParticipantToken: (request) => mintParticipantToken({ apiKey, apiSecret }, request),

    async listExistingRooms(roomNames) {
      if (roomNames.length === 0) return [];
      const rooms = await withDeadline(timeoutMs, () =>
        call('ListRooms', () => roomService.listRooms([...roomNames])),
      );
      return rooms.map((room) => room.name);
    },

    getParticipant(roomName, identity) {
      return withDeadline(timeoutMs, () =>
        call('GetParticipant', async () => {
          try {
            const participant = await roomService.getParticipant(roomName, identity);
            return { identity: participant.identity };
          } catch (error) {
            // LiveKit answers 404 "participant does not exist" for a missing room as well (at once).
            if (error instanceof ServerError && error.status === 404) return null;
            throw error;
          }
        }),
      );
    },

    listAgentDispatches(roomName, agentName) {
      return withDeadline(timeoutMs, async () => {
        const existing = await call('ListRooms', () => roomService.listRooms([roomName]));
        if (existing.length === 0) return [];
        return (await call('ListDispatch', () => dispatchService.listDispatch(roomName)))
          .filter((dispatch) => dispatch.agentName === agentName)
          .map((dispatch) => ({ ...toRecord(dispatch), jobAssigned: jobAssigned(dispatch) }));
      });
    },

    redispatchAgent({ roomName, agentName, metadata }) {
      return withDeadline(timeoutMs, async () => {
        const existing = await call('ListRooms', () => roomService.listRooms([roomName]));
        if (existing.length === 0) return null;
        const old = (
          await call('ListDispatch', () => dispatchService.listDispatch(roomName))
        ).filter((dispatch) => dispatch.agentName === agentName);
        for (const dispatch of old) {
          await call('DeleteDispatch', () => dispatchService.deleteDispatch(dispatch.id, roomName));
        }
        const made = await call('CreateDispatch', () =>
          dispatchService.createDispatch(roomName, agentName, { metadata }),
        );
        return toRecord(made);
      });
    },

    deleteRoom(roomName) {
      return withDeadline(timeoutMs, () =>
        call('DeleteRoom', async () => {
          try {
            await roomService.deleteRoom(roomName);
            return true;
          } catch (error) {
            if (error instanceof ServerError && error.status === 404) return false;
            throw error;
          }
        }),
      );
    },
  };
}

/** `JobStatus` in livekit/protocol's livekit_agent.proto (JS_PENDING, JS_RUNNING). */
const JOB_PENDING = 0;
const JOB_RUNNING = 1;

/** A worker has the dispatch's job: running, or pending with a worker assigned. */
function jobAssigned(dispatch: AgentDispatch): boolean {
  return (dispatch.state?.jobs ?? []).some((job) => {
    const status: number | undefined = job.state?.status;
    return status === JOB_RUNNING || (status === JOB_PENDING && (job.state?.workerId ?? '') !== '');
  });
}

function toRecord(dispatch: AgentDispatch): AgentDispatchRecord {
  return { id: dispatch.id, agentName: dispatch.agentName, metadata: dispatch.metadata };
}

/** Bounds a sequence of calls as a whole; the calls still running end by their own timeout. */
async function withDeadline<T>(timeoutMs: number, run: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(notAnswering(`no reply within ${timeoutMs} ms`, undefined, true)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([run(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function notAnswering(why: string, cause?: unknown, timedOut = false): ServiceUnavailableError {
  return new ServiceUnavailableError(`${LIVEKIT_NOT_ANSWERING} (${why}); try again shortly`, {
    service: 'livekit',
    reason: timedOut ? 'timeout' : 'unavailable',
    ...(cause !== undefined && { cause }),
  });
}

/** Maps a failure of the SDK or the network onto the error a client should see. */
export function toAppError(error: unknown, timeoutMs: number): Error {
  if (error instanceof AppError) return error;
  const cause = redactedCopy(error);
  if (error instanceof ServerError) {
    if (error.status === 401 || error.status === 403) {
      return new ServiceUnavailableError(
        'LiveKit refused the server’s API credentials: check LIVEKIT_API_KEY and LIVEKIT_API_SECRET',
        { service: 'livekit', reason: 'not-configured', cause },
      );
    }
    if (/metadata size exceeds limits/i.test(error.message)) {
      return new ValidationError(
        'the job metadata is larger than this LiveKit server accepts (its limit.max_metadata_size)',
        { cause },
      );
    }
    if (error.status >= 500 || error.status === 429) {
      return notAnswering(`HTTP ${error.status}`, cause);
    }
    return cause;
  }
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return notAnswering(`no reply within ${timeoutMs} ms`, cause);
  }
  if (error instanceof TypeError) {
    // undici: TypeError("fetch failed") with the socket error (ECONNREFUSED, …) as its cause.
    return notAnswering('cannot connect', cause);
  }
  return cause;
}

/** The error as a plain Error whose message (and cause's) holds no token. */
function redactedCopy(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(redactTokens(String(error)));
  const status = error instanceof ServerError ? ` (HTTP ${error.status})` : '';
  const inner = error.cause instanceof Error ? `: ${redactTokens(error.cause.message)}` : '';
  const copy = new Error(`${redactTokens(error.message)}${status}${inner}`);
  copy.name = error.name;
  return copy;
}
