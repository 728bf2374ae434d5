import { createHash, randomBytes } from 'node:crypto';
import { canonicalJson } from '../../shared/canonical-json.ts';
import {
  JOB_METADATA_MAX_BYTES,
  type AgentJobMetadata,
  type SessionStartData,
  type SessionStartOutput,
} from '../../shared/session.schema.ts';
import { formatBytes } from '../../shared/agent.schema.ts';
import { jsonByteLength, jsonEqual } from '../../shared/json-guard.ts';
import {
  ConflictError,
  NotFoundError,
  RefusedError,
  TooManyRequestsError,
  ValidationError,
} from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { CallSessionStore } from '../ports/call-session-store.port.ts';
import type { AgentDispatchRecord, LiveKitRooms } from '../ports/livekit-rooms.port.ts';
import type { RoomStore } from '../ports/room-store.port.ts';
import type { AgentService } from './agent.service.ts';
import { createConfigResolver } from './config-resolver.ts';
import { createRateLimiter } from './rate-limiter.ts';

/** Who starts a session: the parts of the request's caller this service reads. */
export interface SessionStarter {
  workspaceId: string;
  actor: { kind: 'user' | 'api-key' | 'publishable-key' | 'local'; id: string };
  /** A publishable key's limits (see `Caller.limits`). */
  limits?: { agentIds: readonly string[] | null };
}

export interface SessionService {
  /**
   * Checks the caller's limits and rates, resolves the agent's config, makes sure the room is the
   * caller's workspace's and has exactly one dispatch of the agent worker carrying it, and mints
   * the participant's token.
   */
  start(starter: SessionStarter, input: SessionStartData): Promise<SessionStartOutput>;
}

/** Abuse limits of `session.start` (SESSION_RATE_PER_MINUTE, …; see the README). */
export interface SessionLimits {
  /** Starts per minute per workspace, whoever asks. */
  workspacePerMinute: number;
  /** Starts per minute per API key or publishable key. */
  keyPerMinute: number;
  /** Sessions (rooms) of one workspace running at once. */
  concurrentMax: number;
}

export interface SessionServiceDeps {
  agents: Pick<AgentService, 'getRecord'>;
  rooms: LiveKitRooms;
  /** AGENT_NAME: the worker LiveKit dispatches. */
  agentName: string;
  /** SESSION_TTL_SECONDS: how long the participant's token is valid. */
  tokenTtlSeconds: number;
  /** Which workspace each room belongs to. */
  roomStore: RoomStore;
  /** Call history: a record per call this service starts. */
  callSessions: CallSessionStore;
  limits: SessionLimits;
  logger?: Logger;
  /** Random bytes for generated identities and room names (tests pin it). */
  randomBytes?: (size: number) => Buffer;
  /** The clock of the rates, the concurrency window and room records (tests pin it). */
  now?: () => Date;
}

/**
 * How far back a workspace's rooms are looked at for the concurrency cap, and how many of them
 * at most: a session still running after this long is no longer counted. SESSION_CONCURRENT_MAX
 * is at most this many (env.ts), so the newest rooms are always enough to reach the cap.
 */
export const CONCURRENCY_WINDOW_MS = 2 * 60 * 60 * 1000;
export const CONCURRENCY_SCAN_MAX = 1000;
/** What a `too-many-sessions` refusal suggests: when a session ends is not known in advance. */
export const CONCURRENCY_RETRY_AFTER_SECONDS = 30;

/**
 * `session.start`: the call-start path.
 *
 * A second start for an existing room joins it without a second dispatch when the room's
 * dispatch of the agent carries the same agentId and config (a retry, or another participant);
 * when it carries something else the answer is CONFLICT and nothing changes.
 *
 * Rooms belong to workspaces (the RoomStore records who made each): a generated name is recorded
 * as it is made; a given name the caller's workspace recorded may be joined; a given name that
 * exists nowhere is claimed (one unique insert: of racing workspaces one wins) and created; a name
 * another workspace recorded, or a room LiveKit has that Switchboard never recorded (made
 * elsewhere), is NOT_FOUND — the answer never tells that it exists.
 *
 * Starts for the same room are serialised inside this process, so two racing calls make one
 * dispatch. Several server instances would need the same per-room mutual exclusion across
 * processes (a lock in Redis or the database keyed by room name, held around
 * `ensureAgentDispatch`), or rooms whose names only one instance ever uses (the generated ones).
 *
 * Each start that makes a room records a call (call history) BEFORE making it, so the room's first
 * webhooks find the call. Without that cross-process lock, two instances making an ended room of
 * the same given name again at once would each record a call; the older one is ended by
 * reconciliation once the room is gone.
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

  const now = deps.now ?? (() => new Date());
  const rates = createRateLimiter({ now: () => now().getTime() });
  const { limits } = deps;

  /** Over the workspace's or the key's rate → TOO_MANY_REQUESTS (nothing is taken then). */
  const takeRate = (starter: SessionStarter) => {
    const buckets = [
      { key: `workspace:${starter.workspaceId}`, perMinute: limits.workspacePerMinute },
    ];
    if (starter.actor.kind === 'api-key' || starter.actor.kind === 'publishable-key') {
      buckets.push({ key: `key:${starter.actor.id}`, perMinute: limits.keyPerMinute });
    }
    const taken = rates.take(buckets);
    if (taken.ok) return;
    throw new TooManyRequestsError(
      `Too many session starts: at most ${taken.limit} a minute. Try again in ${taken.retryAfterSeconds} s.`,
      {
        details: {
          reason: 'rate-limited',
          retryAfterSeconds: taken.retryAfterSeconds,
          limit: taken.limit,
        },
      },
    );
  };

  /**
   * The concurrency cap, counted without webhooks: the workspace's rooms recorded in the last
   * CONCURRENCY_WINDOW_MS that LiveKit still lists. While fewer than the cap were even recorded
   * that costs one indexed read and no LiveKit call; at the cap, ONE ListRooms with their names
   * says which still run (LiveKit closes a room once it is empty, after its empty timeout). Not a
   * lock: starts racing at the cap may each pass, and a session older than the window is not
   * counted.
   */
  const checkConcurrency = async (workspaceId: string) => {
    const since = new Date(now().getTime() - CONCURRENCY_WINDOW_MS);
    const recent = await deps.roomStore.listRecent(workspaceId, {
      since,
      limit: CONCURRENCY_SCAN_MAX,
    });
    if (recent.length < limits.concurrentMax) return;
    const running = await deps.rooms.listExistingRooms(recent.map((room) => room.name));
    if (running.length < limits.concurrentMax) return;
    throw new TooManyRequestsError(
      `This workspace has ${running.length} sessions running; at most ${limits.concurrentMax} may run at once. Try again when one has ended.`,
      {
        details: {
          reason: 'too-many-sessions',
          retryAfterSeconds: CONCURRENCY_RETRY_AFTER_SECONDS,
          limit: limits.concurrentMax,
        },
      },
    );
  };

  return {
    async start(starter, input) {
      const { workspaceId } = starter;
      if (starter.limits) checkPublishableLimits(starter.limits, input);
      takeRate(starter);

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
      const record = {
        name: roomName,
        workspaceId,
        agentId,
        startedBy: `${starter.actor.kind}:${starter.actor.id}`,
      };
      // Recorded BEFORE the room is made, so the room's first webhooks find the call.
      let sessionId: string | null = null;
      const recordCall = async () => {
        const call = await deps.callSessions.create({
          workspaceId,
          type: 'web',
          agentId,
          roomName,
          config,
          configHash: configHash(config),
          overrides: input.agentConfig ?? null,
          startedBy: record.startedBy,
          createdAt: now(),
        });
        sessionId = call.id;
      };
      const claim = async () => {
        await checkConcurrency(workspaceId);
        return deps.roomStore.claim({ ...record, createdAt: now() });
      };

      const outcome = await perRoom.run(roomName, async () => {
        // A generated name (128 random bits) cannot exist yet: recorded, then one CreateRoom
        // carrying the dispatch.
        if (input.roomName === undefined) {
          const claimed = await claim();
          if (claimed.status !== 'claimed') throw new Error('a generated room name was taken');
          await recordCall();
          await deps.rooms.createRoomWithAgentDispatch({ roomName, agentName, metadata });
          return { created: true };
        }
        // A given name: this workspace's record lets it be joined (or made again once it has
        // ended); one that exists nowhere is claimed (the unique insert settles racing
        // workspaces); a room another workspace recorded or nobody recorded is NOT_FOUND.
        const [running, ownRecord] = await Promise.all([
          deps.rooms.listExistingRooms([roomName]),
          deps.roomStore.get(workspaceId, roomName),
        ]);
        let existed = running.length > 0;
        if (!ownRecord) {
          if (existed) throw roomNotFound(roomName);
          const claimed = await claim();
          if (claimed.status === 'taken') {
            if (claimed.existing?.workspaceId !== workspaceId) throw roomNotFound(roomName);
            existed = true; // a racing start of this workspace claimed it: join that one
          }
        } else if (!existed) {
          await checkConcurrency(workspaceId);
        }
        // A room that is not running is made by the dispatch below: a new call; a running one's
        // call is the newest recorded in it.
        if (!existed) await recordCall();
        else sessionId = (await deps.callSessions.latestForRoom(roomName))?.id ?? null;
        // Only a room that was there before can have the identity connected already.
        if (existed && input.userIdentity !== undefined) {
          const present = await deps.rooms.getParticipant(roomName, identity);
          if (present) throw identityInUse(roomName, identity);
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
        // Call history names the dispatch serving the call (a re-dispatch replaces it).
        const call: string | null = existed ? null : sessionId;
        const dispatch = result.dispatches.find((d) => sameJob(d, jobMetadata));
        if (call && dispatch)
          await deps.callSessions.saveDispatchId(workspaceId, call, dispatch.id);
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
        workspaceId,
        startedBy: record.startedBy,
        roomName,
        participantIdentity: identity,
        agentName,
        agentId,
        dispatch: outcome.created ? 'created' : 'joined existing',
        metadataBytes: bytes,
      });
      return {
        sessionId,
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

/**
 * A publishable key (in a page, readable by anyone) starts sessions of its agents only, as they
 * are saved: no overrides that would rewrite the prompt, no chosen room (no joining someone's call)
 * and no chosen identity.
 */
function checkPublishableLimits(
  limits: NonNullable<SessionStarter['limits']>,
  input: SessionStartData,
): void {
  if (input.agentId === undefined) {
    throw refused(
      'agent-not-allowed',
      'agentId',
      'A publishable key must name the agent (agentId)',
    );
  }
  if (limits.agentIds !== null && !limits.agentIds.includes(input.agentId)) {
    throw refused('agent-not-allowed', 'agentId', 'This publishable key may not start this agent');
  }
  if (input.agentConfig !== undefined) {
    throw refused(
      'agent-not-allowed',
      'agentConfig',
      'A publishable key starts agents as saved: agentConfig overrides are not allowed',
    );
  }
  for (const field of ['roomName', 'userIdentity'] as const) {
    if (input[field] !== undefined) {
      throw refused(
        'room-not-allowed',
        field,
        `A publishable key may not choose ${field}: leave it out and one is generated`,
      );
    }
  }
}

function refused(
  reason: 'agent-not-allowed' | 'room-not-allowed',
  field: string,
  message: string,
): RefusedError {
  return new RefusedError(message, {
    issues: [{ path: [field], message }],
    details: { reason },
  });
}

/** Another workspace's room and a room made outside Switchboard look like a missing one. */
function roomNotFound(roomName: string): NotFoundError {
  return new NotFoundError(
    `Room "${roomName}" was not found in this workspace. Leave roomName out for a new room, or use a name not in use.`,
    {
      issues: [{ path: ['roomName'], message: 'No such room in this workspace' }],
      details: { reason: 'not-found', resource: 'room', id: roomName },
    },
  );
}

function identityInUse(roomName: string, identity: string): ConflictError {
  return new ConflictError(
    `"${identity}" is already connected to room "${roomName}". Use another userIdentity (or leave it out for a generated one).`,
    {
      issues: [
        { path: ['userIdentity'], message: 'This identity is connected to the room already' },
      ],
      details: { reason: 'identity-in-use', roomName, identity },
    },
  );
}

/** sha-256 (hex) of the config's canonical JSON: what a call record names its config by. */
export function configHash(config: unknown): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
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
