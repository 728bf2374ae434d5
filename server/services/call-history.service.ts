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
import type { LiveKitRooms } from '../ports/livekit-rooms.port.ts';
import type { LiveKitWebhookVerifier } from '../ports/livekit-webhooks.port.ts';
import { decodeCursor, encodeCursor } from './agent.service.ts';

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
}

export interface CallHistoryServiceDeps {
  store: CallSessionStore;
  webhooks: LiveKitWebhookVerifier;
  /** Which rooms still exist, for reconciliation. */
  rooms: Pick<LiveKitRooms, 'listExistingRooms'>;
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

  return {
    async list(workspaceId, query) {
      const after = query.cursor ? decodeCursor(query.cursor) : undefined;
      const rows = await store.list(workspaceId, {
        limit: query.limit + 1,
        ...(query.agentId !== undefined && { agentId: query.agentId }),
        ...(query.status !== undefined && { status: query.status }),
        ...(query.type !== undefined && { type: query.type }),
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
      const session = await store.latestForRoom(event.room.name);
      if (
        !session ||
        event.createdAt.getTime() < session.createdAt.getTime() - EARLIER_ROOM_SLACK_MS
      ) {
        return 'ignored';
      }
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
};

const ENDED_REASONS: Readonly<Record<string, CallEndedReason>> = {
  room_finished: 'room-finished',
  room_gone: 'room-gone',
};

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
  let ending: CallEventRecord | null = null;
  for (const event of ours) {
    const who = event.participant;
    if (event.type === 'participant_joined' && who) {
      const known = participants.get(who.identity);
      if (!known) {
        participants.set(who.identity, { ...who, joinedAt: event.at, leftAt: null });
      } else if (known.leftAt && event.at >= known.leftAt) {
        known.leftAt = null; // back again
      }
      if (who.kind !== 'agent') activeAt ??= event.at;
    } else if (who && event.type.startsWith('participant_')) {
      const known = participants.get(who.identity);
      if (known) known.leftAt = event.at;
      else participants.set(who.identity, { ...who, joinedAt: event.at, leftAt: event.at });
    } else if (ENDED_REASONS[event.type]) {
      ending ??= event;
    }
  }
  return {
    status: ending ? 'ended' : activeAt ? 'active' : 'started',
    roomSid,
    activeAt,
    endedAt: ending?.at ?? null,
    endedReason: ending ? (ENDED_REASONS[ending.type] ?? null) : null,
    participants: [...participants.values()],
  };
}

/** A stored call as the API answers it (ISO-8601 times, the duration worked out). */
export function toCallSession(record: CallSessionRecord): CallSession {
  const iso = (date: Date | null) => (date ? date.toISOString() : null);
  const from = record.activeAt ?? record.createdAt;
  return {
    id: record.id,
    type: record.type,
    agentId: record.agentId,
    roomName: record.roomName,
    sip: null,
    dispatchId: null,
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
