import { randomBytes } from 'node:crypto';
import {
  JOB_METADATA_MAX_BYTES,
  type AgentJobMetadata,
  type SessionStartData,
  type SessionStartOutput,
} from '../../shared/session.schema.ts';
import { formatBytes } from '../../shared/agent.schema.ts';
import { jsonByteLength, jsonEqual } from '../../shared/json-guard.ts';
import { ConflictError, ValidationError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { AgentDispatchRecord, LiveKitRooms } from '../ports/livekit-rooms.port.ts';
import type { AgentService } from './agent.service.ts';
import { createConfigResolver } from './config-resolver.ts';

export interface SessionService {
  /**
   * Resolves the agent's config, makes sure the room has exactly one dispatch of the agent
   * worker carrying it, and mints the participant's token.
   */
  start(workspaceId: string, input: SessionStartData): Promise<SessionStartOutput>;
}

export interface SessionServiceDeps {
  agents: Pick<AgentService, 'getRecord'>;
  rooms: LiveKitRooms;
  /** AGENT_NAME: the worker LiveKit dispatches. */
  agentName: string;
  /** SESSION_TTL_SECONDS: how long the participant's token is valid. */
  tokenTtlSeconds: number;
  logger?: Logger;
  /** Random bytes for generated identities and room names (tests pin it). */
  randomBytes?: (size: number) => Buffer;
}

/**
 * `session.start`: the call-start path.
 *
 * A second start for an existing room joins it without a second dispatch when the room's
 * dispatch of the agent carries the same agentId and config (a retry, or another participant);
 * when it carries something else the answer is CONFLICT and nothing changes.
 *
 * Starts for the same room are serialised inside this process, so two racing calls make one
 * dispatch. Several server instances would need the same per-room mutual exclusion across
 * processes (a lock in Redis or the database keyed by room name, held around
 * `ensureAgentDispatch`), or rooms whose names only one instance ever uses (the generated ones).
 */
export function createSessionService(deps: SessionServiceDeps): SessionService {
  const random = deps.randomBytes ?? randomBytes;
  // The stored agent is looked up in the caller's workspace: another's is NOT_FOUND.
  const resolverFor = (workspaceId: string) =>
    createConfigResolver({
      loadStoredConfig: async (agentId) =>
        (await deps.agents.getRecord(workspaceId, agentId)).config,
    });
  const perRoom = createKeyedQueue();

  return {
    async start(workspaceId, input) {
      const agentId = input.agentId ?? null;
      const config = await resolverFor(workspaceId).resolve({
        ...(input.agentId !== undefined && { agentId: input.agentId }),
        ...(input.agentConfig !== undefined && { overrides: input.agentConfig }),
      });
      const jobMetadata: AgentJobMetadata = { agentId, config };
      const metadata = JSON.stringify(jobMetadata);
      const bytes = jsonByteLength(jobMetadata);
      if (bytes > JOB_METADATA_MAX_BYTES) {
        const message = `job metadata (agentId + resolved config) is ${formatBytes(bytes)}; the limit is ${formatBytes(JOB_METADATA_MAX_BYTES)}: shorten the agent's config or the agentConfig overrides`;
        const field = input.agentConfig === undefined ? 'agentId' : 'agentConfig';
        throw new ValidationError(message, { issues: [{ path: [field], message }] });
      }

      const roomName = input.roomName ?? `sb-${random(16).toString('base64url')}`;
      const identity = input.userIdentity ?? `user-${random(9).toString('base64url')}`;
      const { agentName } = deps;

      const outcome = await perRoom.run(roomName, async () => {
        // A generated name (128 random bits) cannot exist yet: one CreateRoom carrying the
        // dispatch. A given one may exist, so it is looked up and its dispatch compared.
        if (input.roomName === undefined) {
          await deps.rooms.createRoomWithAgentDispatch({ roomName, agentName, metadata });
          return { created: true };
        }
        const result = await deps.rooms.ensureAgentDispatch({ roomName, agentName, metadata });
        if (!result.dispatches.some((dispatch) => sameJob(dispatch, jobMetadata))) {
          throw new ConflictError(
            `Room "${roomName}" already has agent "${agentName}" dispatched with a different agent or config. Start the session in another room (leave roomName out for a new one).`,
            {
              issues: [{ path: ['roomName'], message: 'This room runs another agent or config' }],
              details: { reason: 'room-in-use', roomName, agentName },
            },
          );
        }
        return result;
      });

      const { token, expiresAt } = await deps.rooms.mintParticipantToken({
        roomName,
        identity,
        ttlSeconds: deps.tokenTtlSeconds,
        agentName,
        metadata,
      });
      deps.logger?.info('session started', {
        roomName,
        participantIdentity: identity,
        agentName,
        agentId,
        dispatch: outcome.created ? 'created' : 'joined existing',
        metadataBytes: bytes,
      });
      return {
        serverUrl: deps.rooms.serverUrl,
        roomName,
        participantIdentity: identity,
        participantToken: token,
        expiresAt: expiresAt.toISOString(),
        agentName,
        agentId,
        config,
      };
    },
  };
}

/** Whether a dispatch's metadata is this job's (same agentId and config; key order aside). */
function sameJob(dispatch: AgentDispatchRecord, job: AgentJobMetadata): boolean {
  let theirs: unknown;
  try {
    theirs = JSON.parse(dispatch.metadata);
  } catch {
    return false;
  }
  return jsonEqual(theirs, job);
}

/** Runs tasks one after another per key; a failed task does not block the next. */
function createKeyedQueue() {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = previous.then(task, task);
      const tail = result.catch(() => undefined);
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
  };
}
