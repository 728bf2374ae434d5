import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { canonicalJson } from '../../shared/canonical-json.ts';
import {
  JOB_METADATA_MAX_BYTES,
  type AgentJobMetadata,
  type SessionStartData,
  type SessionStartOutput,
} from '../../shared/session.schema.ts';
import { formatBytes } from '../../shared/agent.schema.ts';
import { jsonEqual } from '../../shared/json-guard.ts';
import {
  BusyError,
  ConflictError,
  ForbiddenError,
  invalidInput,
  NotFoundError,
  RefusedError,
  TooManyRequestsError,
  ValidationError,
} from '../errors.ts';
import type { Permission } from '../../shared/access.ts';
import type { Logger } from '../logger.ts';
import type { CallSessionStore } from '../ports/call-session-store.port.ts';
import type { LeaseStore } from '../ports/lease-store.port.ts';
import type { AgentDispatchRecord, LiveKitRooms } from '../ports/livekit-rooms.port.ts';
import type { RoomStore } from '../ports/room-store.port.ts';
import type { AgentService } from './agent.service.ts';
import type { AgentVersionService } from './agent-version.service.ts';
import type { CallReportService } from './call-report.service.ts';
import { resolveAgentConfig } from './config-resolver.ts';
import { createRateLimiter } from './rate-limiter.ts';

/** Who starts a session: the parts of the request's caller this service reads. */
export interface SessionStarter {
  workspaceId: string;
  actor: { kind: 'user' | 'api-key' | 'publishable-key' | 'local'; id: string };
  /** What the caller may do: running an agent's unpublished draft needs `agents:write` (none: refused). */
  permissions?: ReadonlySet<Permission>;
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
  /** Published versions: a start runs the agent's published version, or the one it pins. */
  versions: Pick<AgentVersionService, 'get' | 'published'>;
  rooms: LiveKitRooms;
  /** AGENT_NAME: the worker LiveKit dispatches. */
  agentName: string;
  /** SESSION_TTL_SECONDS: how long the participant's token is valid. */
  tokenTtlSeconds: number;
  /** Which workspace each room belongs to. */
  roomStore: RoomStore;
  /** Call history: a record per call this service starts. */
  callSessions: CallSessionStore;
  /** The per-call report credential each dispatch's metadata carries (`report`); none without it. */
  reports?: Pick<CallReportService, 'credentialFor'>;
  limits: SessionLimits;
  /**
   * Leases shared by every server instance: a start holds `room:<name>` around its room and
   * dispatch work. Without it starts are serialised in this process only.
   */
  leases?: LeaseStore;
  /** How the start waits between lease attempts (tests pin it). */
  sleep?: (ms: number) => Promise<void>;
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
 * The room lease (`room:<name>`): its TTL is well above the LiveKit and database calls it covers
 * (each bounded by LIVEKIT_TIMEOUT_MS / MONGODB_TIMEOUT_MS, a few of them), so it only expires
 * under a holder that died. A start finding it held retries after 25 ms, doubling to 250 ms, and
 * answers `room-busy` once its waits add up to ROOM_LEASE_WAIT_MS (below REQUEST_TIMEOUT_MS).
 */
export const ROOM_LEASE_TTL_MS = 15_000;
export const ROOM_LEASE_WAIT_MS = 8_000;
export const ROOM_LEASE_BACKOFF_MS = { first: 25, max: 250 } as const;
export const ROOM_BUSY_RETRY_AFTER_SECONDS = 1;

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
 * Starts for the same room are serialised: inside this process by a keyed queue, and across
 * server instances by the lease `room:<name>` (`deps.leases`, in the database), held from the
 * room checks to the dispatch and released in `finally`. So racing starts for one room on any
 * number of instances make one room, one call record and one dispatch. The queue stands in front
 * of the lease so one process never polls against its own lease; a start that cannot get the
 * lease within ROOM_LEASE_WAIT_MS answers SERVICE_UNAVAILABLE `room-busy` (retry shortly).
 *
 * Each start that makes a room records a call (call history) BEFORE making it, so the room's first
 * webhooks find the call. The dispatch's metadata carries the call's report credential (`report`,
 * docs/decisions/call-report-tokens-signed-not-stored.md); the participant's token does not.
 */
export function createSessionService(deps: SessionServiceDeps): SessionService {
  const random = deps.randomBytes ?? randomBytes;
  /**
   * The stored config a start runs, and which it was: the agent's published version (the
   * default), the version pinned, or its draft (the saved config). Looked up in the caller's
   * workspace: another's agent is NOT_FOUND.
   */
  const loadAgentConfig = async (
    workspaceId: string,
    agentId: string,
    selector: NonNullable<SessionStartData['agentVersion']>,
  ): Promise<{ config: Record<string, unknown>; version: number | null }> => {
    if (selector === 'draft') {
      return { config: (await deps.agents.getRecord(workspaceId, agentId)).config, version: null };
    }
    const found =
      selector === 'published'
        ? await deps.versions.published(workspaceId, agentId)
        : await deps.versions.get(workspaceId, agentId, selector);
    return { config: found.config, version: found.version };
  };
  // In front of the lease: one process's starts for a room queue here, not on their own lease.
  const perRoom = createKeyedQueue(createRoomLease(deps));

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
      if (input.agentVersion !== undefined && input.agentId === undefined) {
        throw invalidInput(
          ['agentVersion'],
          'agentVersion needs agentId: the version of which agent?',
        );
      }
      const selector = input.agentVersion ?? 'published';
      // Talking to the draft runs a config nobody published: for those who may edit the agent.
      if (selector === 'draft' && !starter.permissions?.has('agents:write')) {
        throw new ForbiddenError('agents:write', {
          issues: [{ path: ['agentVersion'], message: 'Running the draft needs agents:write' }],
        });
      }
      const loaded =
        input.agentId === undefined
          ? null
          : await loadAgentConfig(workspaceId, input.agentId, selector);
      const config = resolveAgentConfig({
        stored: loaded?.config,
        overrides: input.agentConfig,
      });
      const jobMetadata: AgentJobMetadata = { agentId, config };
      // The dispatch's metadata also carries the call's report credential (known once the call is
      // recorded, below); the participant's token carries only this: a participant must not be
      // able to report the call.
      const tokenMetadata = JSON.stringify(jobMetadata);
      /** The worker's job metadata for the room's call (no `report` when there is no record). */
      const dispatchMetadata = (call: RecordedCall | null) =>
        call && deps.reports
          ? JSON.stringify({
              ...jobMetadata,
              report: deps.reports.credentialFor({
                workspaceId,
                sessionId: call.id,
                createdAt: call.createdAt,
              }),
            })
          : tokenMetadata;
      // Measured with a stand-in call: the credential's length does not depend on which call.
      const bytes = new TextEncoder().encode(
        dispatchMetadata({ id: '0'.repeat(24), createdAt: now() }),
      ).length;
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
      let session: RecordedCall | null = null;
      const recordCall = async () => {
        const call = await deps.callSessions.create({
          workspaceId,
          type: 'web',
          agentId,
          agentVersion: loaded?.version ?? null,
          draft: agentId !== null && selector === 'draft',
          roomName,
          config,
          configHash: configHash(config),
          overrides: input.agentConfig ?? null,
          startedBy: record.startedBy,
          createdAt: now(),
        });
        session = { id: call.id, createdAt: call.createdAt };
        return session;
      };
      const claim = async () => {
        await checkConcurrency(workspaceId);
        return deps.roomStore.claim({ ...record, createdAt: now() });
      };

      // A generated name (128 random bits) is this start's alone: no lease needed across instances.
      const shared = input.roomName !== undefined;
      const outcome = await perRoom.run(roomName, shared, async () => {
        // A generated name (128 random bits) cannot exist yet: recorded, then one CreateRoom
        // carrying the dispatch.
        if (input.roomName === undefined) {
          const claimed = await claim();
          if (claimed.status !== 'claimed') throw new Error('a generated room name was taken');
          const metadata = dispatchMetadata(await recordCall());
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
        else {
          const latest = await deps.callSessions.latestForRoom(roomName);
          session = latest && { id: latest.id, createdAt: latest.createdAt };
        }
        const metadata = dispatchMetadata(session);
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
        const call = existed ? null : session?.id;
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
        metadata: tokenMetadata,
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
        sessionId: (session as RecordedCall | null)?.id ?? null,
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

/**
 * Whether a dispatch's metadata is this job's: the same agentId and config (key order aside).
 * Only those two: the rest (the call's report credential) is not what a start asks for.
 */
function sameJob(dispatch: AgentDispatchRecord, job: AgentJobMetadata): boolean {
  let theirs: unknown;
  try {
    theirs = JSON.parse(dispatch.metadata);
  } catch {
    return false;
  }
  if (typeof theirs !== 'object' || theirs === null || Array.isArray(theirs)) return false;
  const { agentId, config } = theirs as Record<string, unknown>;
  return jsonEqual({ agentId, config }, { agentId: job.agentId, config: job.config });
}

/** The call a start dispatches for: its id and when it was recorded (the report token's clock). */
interface RecordedCall {
  id: string;
  createdAt: Date;
}

/**
 * Runs a task holding the lease `room:<name>` (see ROOM_LEASE_*); without a lease store, runs it.
 * Each holding is its own holder (this instance's id and a counter), so a lease left by a start
 * of this process that died is waited out like anyone's.
 */
function createRoomLease(deps: Pick<SessionServiceDeps, 'leases' | 'sleep' | 'logger'>) {
  const { leases } = deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const instance = randomUUID();
  let held = 0;
  return async <T>(roomName: string, task: () => Promise<T>): Promise<T> => {
    if (!leases) return task();
    const key = `room:${roomName}`;
    const holder = `${instance}:${++held}`;
    let waited = 0;
    let backoff: number = ROOM_LEASE_BACKOFF_MS.first;
    while (!(await leases.acquire(key, holder, ROOM_LEASE_TTL_MS)).acquired) {
      if (waited >= ROOM_LEASE_WAIT_MS) throw roomBusy(roomName);
      const pause = Math.min(backoff, ROOM_LEASE_WAIT_MS - waited);
      await sleep(pause);
      waited += pause;
      backoff = Math.min(backoff * 2, ROOM_LEASE_BACKOFF_MS.max);
    }
    try {
      return await task();
    } finally {
      // Not released (database down): it expires after ROOM_LEASE_TTL_MS instead.
      await leases.release(key, holder).catch((error: unknown) => {
        deps.logger?.warn('could not release a room lease', { roomName, error });
      });
    }
  };
}

/** Another start (maybe on another instance) kept the room for longer than a start waits. */
function roomBusy(roomName: string): BusyError {
  return new BusyError(
    `Another session start for room "${roomName}" is still under way. Try again in a moment.`,
    {
      details: {
        reason: 'room-busy',
        roomName,
        retryAfterSeconds: ROOM_BUSY_RETRY_AFTER_SECONDS,
      },
    },
  );
}

/**
 * Runs tasks one after another per key, a `shared` one inside `around` (the room lease); a failed
 * task does not block the next.
 */
function createKeyedQueue(around: <T>(key: string, task: () => Promise<T>) => Promise<T>) {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, shared: boolean, task: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const inside = shared ? () => around(key, task) : task;
      const result = previous.then(inside, inside);
      const tail = result.catch(() => undefined);
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
  };
}
