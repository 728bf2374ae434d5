import { createHash } from 'node:crypto';
import type {
  CallEndedReason,
  CallSip,
  CallStatus,
  CallType,
  ParticipantKind,
} from '../../shared/call-session.schema.ts';

/** A participant of a call, as the lifecycle derived from webhooks has it. */
export interface CallParticipantRecord {
  identity: string;
  kind: ParticipantKind;
  joinedAt: Date;
  leftAt: Date | null;
}

/**
 * What the webhooks (and reconciliation) made of a call: derived from ALL its recorded events
 * every time (see `CallSessionStore.saveLifecycle`), never patched field by field.
 */
export interface CallLifecycle {
  status: CallStatus;
  roomSid: string | null;
  activeAt: Date | null;
  endedAt: Date | null;
  endedReason: CallEndedReason | null;
  participants: CallParticipantRecord[];
  /**
   * Not ended, and no agent has joined yet (no participant_joined of kind `agent`): what the
   * re-dispatch watcher looks for (`listAwaitingAgent`).
   */
  awaitingAgent: boolean;
}

/** A call (`sessions` record) as stores keep it. */
export interface CallSessionRecord extends CallLifecycle {
  id: string;
  workspaceId: string;
  type: CallType;
  agentId: string | null;
  /** The published version of the agent the call ran; null for a draft call or no saved agent. */
  agentVersion: number | null;
  /** True when the call ran the agent's unpublished draft ("talk to the draft"). */
  draft: boolean;
  roomName: string;
  config: Record<string, unknown>;
  configHash: string;
  overrides: Record<string, unknown> | null;
  startedBy: string;
  createdAt: Date;
  /** The phone leg of an inbound call, else null. */
  sip: CallSip | null;
  /** LiveKit's id of the agent dispatch serving the room, once known (re-dispatches replace it). */
  dispatchId: string | null;
}

/** A call as created: `sip` and `dispatchId` default to null. */
export type NewCallSession = Omit<
  CallSessionRecord,
  'id' | 'sip' | 'dispatchId' | 'agentVersion' | 'draft' | keyof CallLifecycle
> & {
  sip?: CallSip | null;
  agentVersion?: number | null;
  draft?: boolean;
  dispatchId?: string | null;
};

/** One thing that happened to a call, recorded once by its id (LiveKit's event id). */
export interface CallEventRecord {
  /** LiveKit's webhook event id (`EV_…`), or `reconcile:<sessionId>` for a reconciliation. */
  id: string;
  workspaceId: string;
  sessionId: string;
  /** `room_started`, `room_finished`, `participant_joined`, `participant_left`, `room_gone`. */
  type: string;
  /** When it happened (LiveKit's `createdAt`, whole seconds). */
  at: Date;
  roomSid: string | null;
  participant: {
    identity: string;
    kind: ParticipantKind;
    /** LiveKit's `disconnectReason` of a participant_left (`SIP_TRUNK_FAILURE`, …), when given. */
    disconnectReason?: string;
  } | null;
}

export interface CallSessionListQuery {
  limit: number;
  agentId?: string;
  status?: CallStatus;
  type?: CallType;
  /** The SIP leg's calling OR called number (E.164). */
  phoneNumber?: string;
  /** createdAt >= from */
  from?: Date;
  /** createdAt < to */
  to?: Date;
  /** Keyset: only sessions strictly after this one in (createdAt desc, id desc) order. */
  after?: { createdAt: Date; id: string };
}

/**
 * Call records and the events that move them. Every workspace-facing read filters on the
 * workspace first; `latestForRoom` and `listOpen` are the system paths of webhooks and
 * reconciliation (a room name belongs to one workspace: the RoomStore claims names across all).
 *
 * Correct without transactions or atomic conditional updates (FerretDB 1.x): an event is recorded
 * by ONE unique insert of its id (`recordEvent`: a duplicate delivery is `false`), and a session's
 * lifecycle is a projection of all its events that the service rewrites whole (`saveLifecycle`)
 * and re-checks against the event count, so concurrent writers converge on the full set.
 * Adapters translate their driver's failures into AppErrors (an outage is a
 * ServiceUnavailableError).
 */
export interface CallSessionStore {
  /** Stores a new call in `started` state with no participants; answers it with its new id. */
  create(session: NewCallSession): Promise<CallSessionRecord>;
  /** The workspace's call, or null (also for another workspace's). */
  get(workspaceId: string, id: string): Promise<CallSessionRecord | null>;
  /** The workspace's calls matching every given filter, newest first (createdAt, then id). */
  list(workspaceId: string, query: CallSessionListQuery): Promise<CallSessionRecord[]>;
  /** The newest call in a room of this name, whatever the workspace (webhooks know no workspace). */
  latestForRoom(roomName: string): Promise<CallSessionRecord | null>;
  /** Calls not ended that were created before `createdBefore`, oldest first, at most `limit`. */
  listOpen(query: { createdBefore: Date; limit: number }): Promise<CallSessionRecord[]>;
  /**
   * Stores the call once per `key` (e.g. `inbound:<roomSid>`): racing callers with one key all
   * answer the same call, exactly one of them with `created: true`. The key decides the call's id
   * (a unique insert, atomic on MongoDB and FerretDB alike).
   */
  createOnce(
    key: string,
    session: NewCallSession,
  ): Promise<{ session: CallSessionRecord; created: boolean }>;
  /**
   * Calls not ended that no agent has joined yet (`awaitingAgent`), of this type, created before
   * `createdBefore`, oldest first, at most `limit`: the re-dispatch watcher's system path.
   */
  listAwaitingAgent(query: {
    type: CallType;
    createdBefore: Date;
    limit: number;
  }): Promise<CallSessionRecord[]>;
  /** Sets the call's `dispatchId` (nothing else), in its workspace only. */
  saveDispatchId(workspaceId: string, sessionId: string, dispatchId: string): Promise<void>;
  /** Records the event once: false if an event with this id was recorded already. */
  recordEvent(event: CallEventRecord): Promise<boolean>;
  /** Every event recorded for the call. */
  listEvents(workspaceId: string, sessionId: string): Promise<CallEventRecord[]>;
  /** Replaces the call's lifecycle fields (nothing else) with this projection. */
  saveLifecycle(workspaceId: string, sessionId: string, lifecycle: CallLifecycle): Promise<void>;
  /** Resolves when the backing database answers; throws ServiceUnavailableError otherwise. */
  ping(): Promise<void>;
}

/** A new call's lifecycle: dispatched, nobody heard of yet. */
export function startedLifecycle(): CallLifecycle {
  return {
    status: 'started',
    roomSid: null,
    activeAt: null,
    endedAt: null,
    endedReason: null,
    participants: [],
    awaitingAgent: true,
  };
}

/** The id a `createOnce` key gives its call: 24 hex digits (an ObjectId's shape) of its sha-256. */
export function callIdForKey(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 24);
}
