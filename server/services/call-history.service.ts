import type {
  CallEndedReason,
  CallSession,
  CallSessionDetail,
  SessionsList,
  SessionsListQuery,
} from '../../shared/call-session.schema.ts';
import { NotFoundError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type {
  CallEventRecord,
  CallLifecycle,
  CallParticipantRecord,
  CallSessionRecord,
  CallSessionStore,
} from '../ports/call-session-store.port.ts';
import type { CallReportStore } from '../ports/call-report-store.port.ts';
import type { DidRouteStore } from '../ports/did-route-store.port.ts';
import type { AgentDispatchRecord, LiveKitRooms } from '../ports/livekit-rooms.port.ts';
import type {
  LiveKitWebhookEvent,
  LiveKitWebhookVerifier,
} from '../ports/livekit-webhooks.port.ts';
import { decodeCursor, encodeCursor } from './agent.service.ts';
import { configHash } from './session.service.ts';
import type { RouteConfigResolver } from './telephony.service.ts';

/** What became of one webhook: moved a call on, seen before, or about nothing we record. */
export type WebhookOutcome = 'applied' | 'duplicate' | 'ignored';

export interface CallHistoryService {
  /** The workspace's calls, newest first, filtered and keyset paged. */
  list(workspaceId: string, query: SessionsListQuery): Promise<SessionsList>;
  /** One call of the workspace with its timeline; another workspace's is NOT_FOUND. */
  get(workspaceId: string, sessionId: string): Promise<CallSessionDetail>;
  /**
   * A LiveKit webhook exactly as it came (raw body, Authorization header): verified (else
   * UNAUTHORIZED and nothing changes), recorded once by its event id, and the call's lifecycle
   * derived again from all its events.
   */
  receiveWebhook(rawBody: string, authorization: string | undefined): Promise<WebhookOutcome>;
  /**
   * Ends open calls whose room LiveKit no longer lists (`endedReason: 'room-gone'`): LiveKit drops
   * webhooks that wait too long, so a `room_finished` may never come. One ListRooms per run.
   */
  reconcile(): Promise<{ checked: number; ended: number }>;
  /**
   * Web calls no agent has joined yet: each is dispatched again with backoff (LiveKit never
   * retries a job no worker could take) and, past the deadline, ended as `no-agent-available`
   * and its room deleted. Every step is decided by one unique event insert, so several instances
   * running this at once act once. See REDISPATCH_DEFAULTS.
   */
  watchAgents(): Promise<{ waiting: number; redispatched: number; ended: number }>;
}

/** When a call without an agent is dispatched again, and when it is given up. */
export interface RedispatchPolicy {
  /** The first re-dispatch this long after the call was created; each next one after twice the wait. */
  firstDelayMs: number;
  /** No agent this long after the call was created: `no-agent-available`, the room deleted. */
  deadlineMs: number;
}

/** 5 s, then 10 s, 20 s …: re-dispatches at 5, 15 and 35 s; given up at 60 s. */
export const REDISPATCH_DEFAULTS: RedispatchPolicy = { firstDelayMs: 5_000, deadlineMs: 60_000 };
/** Calls looked at per watcher run, oldest first. */
export const WATCH_BATCH = 200;

/** How many re-dispatches are due `elapsedMs` after the call was created (0, 1, 2, …). */
export function redispatchesDue(elapsedMs: number, firstDelayMs: number): number {
  if (elapsedMs < firstDelayMs) return 0;
  // Attempt k is due at firstDelay · (2^k − 1): 1×, 3×, 7×, 15× … the first delay.
  return Math.floor(Math.log2(elapsedMs / firstDelayMs + 1) + 1e-9);
}

export interface CallHistoryServiceDeps {
  store: CallSessionStore;
  webhooks: LiveKitWebhookVerifier;
  /** Which rooms still exist, for reconciliation. */
  rooms: Pick<
    LiveKitRooms,
    'listExistingRooms' | 'listAgentDispatches' | 'redispatchAgent' | 'deleteRoom'
  >;
  /** AGENT_NAME: the worker calls dispatch (re-dispatches and inbound calls' dispatch look-up). */
  agentName?: string;
  /** The routes, to find an inbound call's workspace and agent by the number called. */
  routes?: Pick<DidRouteStore, 'findLiveByDid'>;
  /** The config a number's calls get and its version, when the room's dispatch cannot be read. */
  resolveConfig?: RouteConfigResolver;
  /** When to dispatch again and when to give up (default REDISPATCH_DEFAULTS). */
  redispatch?: RedispatchPolicy;
  /** The workers' reports `get` adds (transcript, usage); without it they read as not reported. */
  reports?: Pick<CallReportStore, 'get'>;
  /** The clock of reconciliation (tests pin it). */
  now?: () => Date;
  logger?: Logger;
}

/**
 * A call younger than this is left alone by reconciliation: its record is written before its room
 * is made, and LiveKit may take a moment to list a new room.
 */
export const RECONCILE_GRACE_MS = 60_000;
/** Open calls looked at per run, oldest first (one ListRooms with their names). */
export const RECONCILE_BATCH = 200;

/** The webhooks that move a call; others (tracks, egress, …) are answered and not recorded. */
const LIFECYCLE_EVENTS = new Set([
  'room_started',
  'room_finished',
  'participant_joined',
  'participant_left',
  'participant_connection_aborted',
]);

/**
 * An event made this long before the newest call of its room name was created belongs to an
 * earlier room of that name (names may be used again once a room has ended). LiveKit's times are
 * whole seconds and its clock is not ours: a minute of slack.
 */
export const EARLIER_ROOM_SLACK_MS = 60_000;

/** Re-derivations of one call before giving up on a storm of concurrent events (each is cheap). */
const PROJECTION_ROUNDS = 10;

export function createCallHistoryService(deps: CallHistoryServiceDeps): CallHistoryService {
  const { store, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const policy = deps.redispatch ?? REDISPATCH_DEFAULTS;

  /**
   * Derives the lifecycle from every recorded event and writes it whole; then checks no event was
   * recorded meanwhile, else derives again. Whoever records an event projects after recording
   * it, so the last writer always wrote a projection of every event (no atomic update needed).
   */
  const project = async (workspaceId: string, sessionId: string) => {
    for (let round = 0; round < PROJECTION_ROUNDS; round++) {
      const events = await store.listEvents(workspaceId, sessionId);
      await store.saveLifecycle(workspaceId, sessionId, projectLifecycle(events));
      const after = await store.listEvents(workspaceId, sessionId);
      if (after.length === events.length) return;
    }
    logger?.warn('call lifecycle still changing after many rounds', { sessionId });
  };

  /** A step of the call's own, recorded once by its id (several instances may try it at once). */
  const recordStep = (call: CallSessionRecord, id: string, type: string) =>
    store.recordEvent({
      id,
      workspaceId: call.workspaceId,
      sessionId: call.id,
      type,
      at: now(),
      roomSid: null,
      participant: null,
    });

  /** The step each waiting call last had in this process: a step is looked into once here. */
  const stepsDone = new Map<string, string>();

  const watchOne = async (
    call: CallSessionRecord,
    at: Date,
  ): Promise<'redispatched' | 'ended' | 'waiting'> => {
    const elapsed = at.getTime() - call.createdAt.getTime();
    const pastDeadline = elapsed >= policy.deadlineMs;
    const attempt = redispatchesDue(elapsed, policy.firstDelayMs);
    const step = pastDeadline ? 'deadline' : `attempt-${attempt}`;
    // Between steps nothing is asked of LiveKit: one ListDispatch per call per step, not per run.
    if (attempt === 0 || stepsDone.get(call.id) === step) return 'waiting';
    const [current] = deps.agentName
      ? await deps.rooms.listAgentDispatches(call.roomName, deps.agentName)
      : [];
    if (current?.jobAssigned) {
      // A worker has the job (its agent's join may be on its way, or its webhook lost): the call
      // is no longer waiting, and a second dispatch would bring a second agent (deleting a
      // dispatch does not stop an agent launched for it).
      await recordStep(call, `agent-assigned:${call.id}`, 'agent_job_assigned');
      await project(call.workspaceId, call.id);
      stepsDone.set(call.id, step);
      return 'waiting';
    }
    if (pastDeadline) {
      // The room goes first: should this instance die before recording, the next run (here or
      // elsewhere) records it; recorded first, a failed delete would leave the caller waiting.
      await deps.rooms.deleteRoom(call.roomName);
      const recorded = await recordStep(call, `no-agent:${call.id}`, 'no_agent_available');
      await project(call.workspaceId, call.id);
      stepsDone.set(call.id, step);
      if (recorded) {
        logger?.warn('no agent joined before the deadline: call ended', {
          sessionId: call.id,
          roomName: call.roomName,
          deadlineMs: policy.deadlineMs,
        });
      }
      return recorded ? 'ended' : 'waiting';
    }
    // No dispatch: the room is gone (its room_finished ends the call).
    if (!current || !deps.agentName) return 'waiting';
    stepsDone.set(call.id, step);
    // Attempt k happens once across instances: whoever inserts its event does it.
    if (!(await recordStep(call, `redispatch:${call.id}:${attempt}`, 'agent_redispatched'))) {
      return 'waiting';
    }
    const made = await deps.rooms.redispatchAgent({
      roomName: call.roomName,
      agentName: deps.agentName,
      metadata: current.metadata,
    });
    if (!made) return 'waiting';
    await store.saveDispatchId(call.workspaceId, call.id, made.id);
    logger?.info('no agent joined yet: dispatched again', {
      sessionId: call.id,
      roomName: call.roomName,
      attempt,
      dispatchId: made.id,
    });
    return 'redispatched';
  };

  /**
   * The call record of an inbound phone call, from its SIP participant's participant_joined:
   * the number called (`sip.trunkPhoneNumber`) names the route, and so the workspace and agent;
   * the room's agent dispatch (made by Switchboard's rule) carries the config. Recorded once per
   * room however many deliveries race (`createOnce`). Null when this is not such a call.
   */
  const startInboundCall = async (
    event: LiveKitWebhookEvent,
  ): Promise<CallSessionRecord | null> => {
    const who = event.participant;
    if (event.type !== 'participant_joined' || who?.kind !== 'sip' || !event.room) return null;
    if (!deps.routes) return null;
    const attributes = who.attributes;
    const callId = attributes['sip.callID'];
    const toNumber = e164(attributes['sip.trunkPhoneNumber']);
    if (!callId || !toNumber) return null;
    const route = await deps.routes.findLiveByDid(toNumber);
    if (!route) return null;
    const ruleId = attributes['sip.ruleID'] || null;
    let dispatch: AgentDispatchRecord | undefined;
    let job: TelephonyJob | undefined;
    if (deps.agentName) {
      try {
        dispatch = (await deps.rooms.listAgentDispatches(event.room.name, deps.agentName))[0];
        job = dispatch ? telephonyJobOf(dispatch.metadata) : undefined;
      } catch (error) {
        logger?.warn('could not read an inbound call’s dispatch; the route tells instead', {
          roomName: event.room.name,
          error,
        });
      }
    }
    // Ours when LiveKit names the route's own rule, or the room's dispatch is our rule's job.
    const ours =
      (ruleId !== null && ruleId === route.sync.ruleId) ||
      (job !== undefined && job.did === route.did && job.agentId === route.agentId);
    if (!ours) {
      logger?.info('a SIP call in a room Switchboard’s rules did not make: not recorded', {
        roomName: event.room.name,
        ruleId,
      });
      return null;
    }
    // What the rule dispatched; else what it carries now (the route's version, resolved).
    const resolved =
      job === undefined && deps.resolveConfig
        ? await deps.resolveConfig(route.workspaceId, route.agentId, route.agentVersion)
        : undefined;
    const config = job?.config ?? resolved?.config ?? {};
    const agentVersion = job ? job.agentVersion : (resolved?.version ?? null);
    const { session, created } = await store.createOnce(
      `inbound:${event.room.name}:${event.room.sid}`,
      {
        workspaceId: route.workspaceId,
        type: 'inbound-phone',
        agentId: route.agentId,
        agentVersion,
        roomName: event.room.name,
        config,
        configHash: configHash(config),
        overrides: null,
        startedBy: `route:${route.id}`,
        createdAt: event.createdAt,
        sip: {
          callId,
          trunkId: attributes['sip.trunkID'] || null,
          ruleId,
          fromNumber: e164(attributes['sip.phoneNumber']),
          toNumber,
        },
        dispatchId: job ? (dispatch?.id ?? null) : null,
      },
    );
    if (created) {
      logger?.info('inbound phone call recorded', {
        sessionId: session.id,
        workspaceId: route.workspaceId,
        routeId: route.id,
        roomName: event.room.name,
      });
    }
    return session;
  };

  return {
    async list(workspaceId, query) {
      const after = query.cursor ? decodeCursor(query.cursor) : undefined;
      const rows = await store.list(workspaceId, {
        limit: query.limit + 1,
        ...(query.agentId !== undefined && { agentId: query.agentId }),
        ...(query.status !== undefined && { status: query.status }),
        ...(query.type !== undefined && { type: query.type }),
        ...(query.phoneNumber !== undefined && { phoneNumber: query.phoneNumber }),
        ...(query.from !== undefined && { from: new Date(query.from) }),
        ...(query.to !== undefined && { to: new Date(query.to) }),
        ...(after && { after }),
      });
      const items = rows.slice(0, query.limit);
      const last = items.at(-1);
      return {
        items: items.map(toCallSession),
        nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null,
      };
    },

    async get(workspaceId, sessionId) {
      const record = await store.get(workspaceId, sessionId);
      if (!record) {
        throw new NotFoundError(`Call ${sessionId} was not found in this workspace`, {
          details: { reason: 'not-found', resource: 'session', id: sessionId },
        });
      }
      const [events, report] = await Promise.all([
        store.listEvents(workspaceId, sessionId),
        deps.reports?.get(workspaceId, record.id) ?? null,
      ]);
      return {
        ...toCallSession(record),
        events: sortEvents(events).map((event) => ({
          type: event.type,
          at: event.at.toISOString(),
          participant: event.participant,
        })),
        transcript: report?.transcript ?? null,
        usage: report ? report.usage : null,
        reportedAt: report?.reportedAt.toISOString() ?? null,
      };
    },

    async receiveWebhook(rawBody, authorization) {
      const event = await deps.webhooks.verify(rawBody, authorization);
      if (!LIFECYCLE_EVENTS.has(event.type) || !event.room?.name) return 'ignored';
      let session = await store.latestForRoom(event.room.name);
      if (
        session &&
        event.createdAt.getTime() < session.createdAt.getTime() - EARLIER_ROOM_SLACK_MS
      ) {
        session = null;
      }
      session ??= await startInboundCall(event);
      if (!session) return 'ignored';
      const recorded = await store.recordEvent({
        id: event.id,
        workspaceId: session.workspaceId,
        sessionId: session.id,
        type: event.type,
        at: event.createdAt,
        roomSid: event.room.sid || null,
        participant: event.participant && {
          identity: event.participant.identity,
          kind: event.participant.kind,
          ...(event.participant.disconnectReason && {
            disconnectReason: event.participant.disconnectReason,
          }),
        },
      });
      // A duplicate projects again too: it heals a first delivery whose writer died after recording.
      await project(session.workspaceId, session.id);
      logger?.debug('webhook', {
        event: event.type,
        id: event.id,
        sessionId: session.id,
        recorded,
      });
      return recorded ? 'applied' : 'duplicate';
    },

    async reconcile() {
      const open = await store.listOpen({
        createdBefore: new Date(now().getTime() - RECONCILE_GRACE_MS),
        limit: RECONCILE_BATCH,
      });
      if (open.length === 0) return { checked: 0, ended: 0 };
      const running = new Set(
        await deps.rooms.listExistingRooms([...new Set(open.map((call) => call.roomName))]),
      );
      let ended = 0;
      for (const call of open.filter((c) => !running.has(c.roomName))) {
        // One id per call: two instances reconciling at once record it once.
        await store.recordEvent({
          id: `reconcile:${call.id}`,
          workspaceId: call.workspaceId,
          sessionId: call.id,
          type: 'room_gone',
          at: now(),
          roomSid: null,
          participant: null,
        });
        await project(call.workspaceId, call.id);
        ended++;
      }
      if (ended > 0) logger?.info('calls whose room is gone were ended', { ended });
      return { checked: open.length, ended };
    },

    async watchAgents() {
      const at = now();
      const waiting = await store.listAwaitingAgent({
        type: 'web',
        // Due at exactly firstDelay after its creation, so created up to and including then.
        createdBefore: new Date(
          at.getTime() - Math.min(policy.firstDelayMs, policy.deadlineMs) + 1,
        ),
        limit: WATCH_BATCH,
      });
      let redispatched = 0;
      let ended = 0;
      // Calls no longer waiting are forgotten (the list is the oldest WATCH_BATCH: a full one
      // keeps the rest until they come in).
      if (waiting.length < WATCH_BATCH) {
        const ids = new Set(waiting.map((call) => call.id));
        for (const id of stepsDone.keys()) if (!ids.has(id)) stepsDone.delete(id);
      }
      for (const call of waiting) {
        try {
          const outcome = await watchOne(call, at);
          if (outcome === 'redispatched') redispatched++;
          if (outcome === 'ended') ended++;
        } catch (error) {
          logger?.warn('re-dispatch of a call without agent failed', {
            sessionId: call.id,
            error,
          });
        }
      }
      return { waiting: waiting.length, redispatched, ended };
    },
  };
}

/** Same-second events in the order they happen in a room's life. */
const ORDER: Readonly<Record<string, number>> = {
  room_started: 0,
  participant_joined: 1,
  participant_left: 2,
  participant_connection_aborted: 2,
  room_finished: 3,
  room_gone: 4,
  no_agent_available: 4,
};

/** The events that end a call. */
const ENDING_EVENTS = new Set(['room_finished', 'room_gone', 'no_agent_available']);
// Other events of the call's own: `agent_redispatched` (the watcher dispatched again: timeline
// only) and `agent_job_assigned` (the watcher saw a worker holding the job: no longer waiting).

/**
 * LiveKit's `DisconnectReason`s (livekit_models.proto) that mean the phone leg failed rather than
 * the caller hanging up: the trunk or the media broke, the call never connected, or (outbound)
 * the callee was unreachable or refused.
 */
export const SIP_FAILURE_REASONS: ReadonlySet<string> = new Set([
  'JOIN_FAILURE',
  'SIP_TRUNK_FAILURE',
  'CONNECTION_TIMEOUT',
  'MEDIA_FAILURE',
  'USER_UNAVAILABLE',
  'USER_REJECTED',
]);

/** Events in the order they happened (same-second ones in room-life order, then by id). */
export function sortEvents(events: readonly CallEventRecord[]): CallEventRecord[] {
  return [...events].sort(
    (a, b) =>
      a.at.getTime() - b.at.getTime() ||
      (ORDER[a.type] ?? 9) - (ORDER[b.type] ?? 9) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/**
 * A call's lifecycle from its events, in any order and with any repeats: a pure function of the
 * SET of events, so redelivered, reordered or late events cannot move a call backwards — once
 * any ending event is in the set the call is `ended`, whatever arrives after.
 * - `active` from the first participant_joined of anyone but the agent (kind `agent`): room_started
 *   comes when `session.start` makes the room, before anyone joins, so it does not count.
 * - The room's sid is the room_started's (else the first event's that has one); events of another
 *   sid are of another room of the same name and are left out.
 * - It ends at its first ending event (room_finished, room_gone from reconciliation,
 *   no_agent_available from the re-dispatch watcher); why is `endedReasonOf`.
 */
export function projectLifecycle(events: readonly CallEventRecord[]): CallLifecycle {
  const sorted = sortEvents(events);
  const roomSid =
    sorted.find((e) => e.type === 'room_started' && e.roomSid)?.roomSid ??
    sorted.find((e) => e.roomSid)?.roomSid ??
    null;
  const ours = sorted.filter((e) => !roomSid || !e.roomSid || e.roomSid === roomSid);

  const participants = new Map<string, CallParticipantRecord>();
  let activeAt: Date | null = null;
  let agentJoined = false;
  let ending: CallEventRecord | null = null;
  for (const event of ours) {
    const who = event.participant;
    if (event.type === 'participant_joined' && who) {
      const known = participants.get(who.identity);
      if (!known) {
        participants.set(who.identity, {
          identity: who.identity,
          kind: who.kind,
          joinedAt: event.at,
          leftAt: null,
        });
      } else if (known.leftAt && event.at >= known.leftAt) {
        known.leftAt = null; // back again
      }
      if (who.kind !== 'agent') activeAt ??= event.at;
      else agentJoined = true;
    } else if (event.type === 'agent_job_assigned') {
      agentJoined = true; // the re-dispatch watcher saw a worker holding the job
    } else if (who && event.type.startsWith('participant_')) {
      const known = participants.get(who.identity);
      if (known) known.leftAt = event.at;
      else {
        participants.set(who.identity, {
          identity: who.identity,
          kind: who.kind,
          joinedAt: event.at,
          leftAt: event.at,
        });
      }
      if (who.kind === 'agent') agentJoined = true;
    } else if (ENDING_EVENTS.has(event.type)) {
      ending ??= event;
    }
  }
  return {
    status: ending ? 'ended' : activeAt ? 'active' : 'started',
    roomSid,
    activeAt,
    endedAt: ending?.at ?? null,
    endedReason: ending ? endedReasonOf(ours, ending) : null,
    participants: [...participants.values()],
    awaitingAgent: !ending && !agentJoined,
  };
}

/**
 * Why a call ended, from its events up to its end (first that holds):
 * - `no-agent-available`: the re-dispatch watcher gave up (it also deletes the room, so the
 *   room_finished that follows does not change the reason);
 * - `room-gone`: reconciliation found the room gone, its end never heard of;
 * - `sip-failure`: a SIP participant's connection broke (participant_connection_aborted) or it
 *   left for a reason in SIP_FAILURE_REASONS;
 * - `agent-left`: the agent left while someone else was still in the room (in a later second:
 *   same-second leavings cannot be ordered, and count as the caller's hang-up);
 * - `hang-up`: someone other than the agent joined, and every such participant had left;
 * - `room-finished`: anything else (the room was deleted, or nobody ever joined).
 */
function endedReasonOf(
  events: readonly CallEventRecord[],
  ending: CallEventRecord,
): CallEndedReason {
  if (events.some((e) => e.type === 'no_agent_available')) return 'no-agent-available';
  if (ending.type === 'room_gone') return 'room-gone';
  const before = events.filter((e) => e.at <= ending.at && e.participant);
  const leaving = (e: CallEventRecord) =>
    e.type === 'participant_left' || e.type === 'participant_connection_aborted';
  if (
    before.some(
      (e) =>
        e.participant?.kind === 'sip' &&
        (e.type === 'participant_connection_aborted' ||
          (e.type === 'participant_left' &&
            SIP_FAILURE_REASONS.has(e.participant.disconnectReason ?? ''))),
    )
  ) {
    return 'sip-failure';
  }
  // Who was in the room, second by second: joined at or before t, not left at or before t.
  const callers = new Map<string, { joinedAt: Date; leftAt: Date | null }>();
  for (const e of before) {
    if (!e.participant || e.participant.kind === 'agent') continue;
    const known = callers.get(e.participant.identity);
    if (e.type === 'participant_joined') {
      if (!known) callers.set(e.participant.identity, { joinedAt: e.at, leftAt: null });
      else if (known.leftAt && e.at >= known.leftAt) known.leftAt = null;
    } else if (leaving(e)) {
      if (known) known.leftAt = e.at;
      else callers.set(e.participant.identity, { joinedAt: e.at, leftAt: e.at });
    }
  }
  const presentAt = (t: Date) =>
    [...callers.values()].some((c) => c.joinedAt <= t && (!c.leftAt || c.leftAt > t));
  const agentLeft = before.find((e) => e.participant?.kind === 'agent' && leaving(e));
  if (agentLeft && presentAt(agentLeft.at)) return 'agent-left';
  if (callers.size > 0 && [...callers.values()].every((c) => c.leftAt)) return 'hang-up';
  return 'room-finished';
}

/** A stored call as the API answers it (ISO-8601 times, the duration worked out). */
export function toCallSession(record: CallSessionRecord): CallSession {
  const iso = (date: Date | null) => (date ? date.toISOString() : null);
  const from = record.activeAt ?? record.createdAt;
  return {
    id: record.id,
    type: record.type,
    agentId: record.agentId,
    agentVersion: record.agentVersion,
    draft: record.draft,
    roomName: record.roomName,
    sip: record.sip,
    dispatchId: record.dispatchId,
    roomSid: record.roomSid,
    config: record.config,
    configHash: record.configHash,
    overrides: record.overrides,
    status: record.status,
    endedReason: record.endedReason,
    startedBy: record.startedBy,
    createdAt: record.createdAt.toISOString(),
    activeAt: iso(record.activeAt),
    endedAt: iso(record.endedAt),
    durationSeconds: record.endedAt
      ? Math.max(0, Math.floor((record.endedAt.getTime() - from.getTime()) / 1000))
      : null,
    participants: record.participants.map((p) => ({
      identity: p.identity,
      kind: p.kind,
      joinedAt: p.joinedAt.toISOString(),
      leftAt: iso(p.leftAt),
    })),
  };
}

/**
 * A number as LiveKit's SIP attributes carry it, in E.164 (`+` and digits), or null: the trunk's
 * numbers may be written with separators or without the `+`.
 */
function e164(number: string | undefined): string | null {
  if (!number) return null;
  const compact = number.replace(/[\s\-().]/g, '');
  const plus = compact.startsWith('+') ? compact : `+${compact}`;
  return /^\+[0-9]{2,15}$/.test(plus) ? plus : null;
}

/**
 * The `{ agentId, did, agentVersion, config }` a Switchboard dispatch rule gives its jobs (TelephonyJobMetadata),
 * read as it was dispatched (the config is recorded as the worker got it, not re-validated), or
 * undefined for any other metadata.
 */
interface TelephonyJob {
  agentId: string;
  did: string;
  /** The published version the rule carried (null: a rule synced before versions). */
  agentVersion: number | null;
  config: Record<string, unknown>;
}

function telephonyJobOf(metadata: string): TelephonyJob | undefined {
  let job: unknown;
  try {
    job = JSON.parse(metadata);
  } catch {
    return undefined;
  }
  if (typeof job !== 'object' || job === null) return undefined;
  const { agentId, did, agentVersion, config } = job as Record<string, unknown>;
  if (typeof agentId !== 'string' || typeof did !== 'string') return undefined;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return undefined;
  return {
    agentId,
    did,
    agentVersion: Number.isSafeInteger(agentVersion) ? (agentVersion as number) : null,
    config: config as Record<string, unknown>,
  };
}
