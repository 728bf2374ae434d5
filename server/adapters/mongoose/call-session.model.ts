import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

// Not `sessions`: better-auth keeps its dashboard sign-in sessions in `session`.
export const CALL_SESSIONS_COLLECTION = 'call_sessions';
export const CALL_EVENTS_COLLECTION = 'call_session_events';

const participantSchema = new Schema(
  {
    identity: { type: String, required: true },
    kind: { type: String, required: true },
    joinedAt: { type: Date, required: true },
    leftAt: { type: Date, default: null },
  },
  { _id: false },
);

/**
 * `call_sessions` documents: one per call. Everything but the lifecycle (`status`, `roomSid`,
 * `activeAt`, `endedAt`, `endedReason`, `participants`) is written once at creation; the lifecycle
 * is rewritten whole from the call's events (see call-session-store.port.ts). `createdAt` is the
 * service's clock, not Mongoose's timestamps, so tests can pin it.
 */
export const callSessionMongooseSchema = new Schema(
  {
    workspaceId: { type: String, required: true },
    type: { type: String, required: true },
    agentId: { type: String, default: null },
    agentVersion: { type: Number, default: null },
    draft: { type: Boolean, default: false },
    roomName: { type: String, required: true },
    config: { type: Schema.Types.Mixed, required: true },
    configHash: { type: String, required: true },
    overrides: { type: Schema.Types.Mixed, default: null },
    startedBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    status: { type: String, required: true },
    roomSid: { type: String, default: null },
    activeAt: { type: Date, default: null },
    endedAt: { type: Date, default: null },
    endedReason: { type: String, default: null },
    participants: { type: [participantSchema], default: [] },
    awaitingAgent: { type: Boolean, required: true },
    sip: {
      type: new Schema(
        {
          callId: { type: String, required: true },
          trunkId: { type: String, default: null },
          ruleId: { type: String, default: null },
          fromNumber: { type: String, default: null },
          toNumber: { type: String, default: null },
        },
        { _id: false },
      ),
      default: null,
    },
    /**
     * The SIP leg's calling and called numbers (those known), for the `phoneNumber` filter: one
     * multikey index answers "calls to or from this number" with a single equality.
     */
    phoneNumbers: { type: [String], default: [] },
    dispatchId: { type: String, default: null },
  },
  {
    collection: CALL_SESSIONS_COLLECTION,
    versionKey: false,
    // Keep `{}` and empty objects inside configs exactly as given.
    minimize: false,
    // Indexes are created explicitly by the adapter's `ensureIndexes()` at start-up.
    autoIndex: false,
    autoCreate: false,
    strict: true,
  },
);

/**
 * Every query the API makes, and its index. The workspace-facing ones lead with `workspaceId`:
 * - list without filters (`workspaceId`, createdAt range, keyset `$or` on (createdAt, _id), sort
 *   createdAt desc, _id desc) → `workspace_newest_first`;
 * - list by agent / status / type → `workspace_agent_newest_first` / `..._status_...` /
 *   `..._type_...`; by phone number (`phoneNumbers` holds the SIP leg's calling and called
 *   numbers: one equality on a multikey field) → `workspace_phone_newest_first`. Several filters at once use one of these and apply the others while walking it
 *   (MongoDB picks the most selective); an index per combination would cost every write more.
 * - get by `_id` alone, the workspace checked in code → the `_id` index (the one filter the
 *   bundled FerretDB 1.x pushes down). saveLifecycle by `_id` + `workspaceId` → `_id`.
 * The system paths (no workspace is known to them):
 * - latestForRoom (`roomName`, sort createdAt desc, _id desc, limit 1) → `room_newest_first`;
 * - listOpen (one query per open status: `status`, `createdAt < t`, sort createdAt asc) →
 *   `status_oldest_first`;
 * - listAwaitingAgent, the re-dispatch watcher (`awaitingAgent: true`, `type`, `createdAt < t`,
 *   sort createdAt asc) → `awaiting_agent_oldest_first`: only calls still waiting for their agent
 *   are walked, never the whole history. saveDispatchId by `_id` + `workspaceId` → `_id`.
 * The integration test checks every query the adapter sends against this list.
 */
export const CALL_SESSIONS_NEWEST_INDEX = 'workspace_newest_first';
export const CALL_SESSIONS_BY_AGENT_INDEX = 'workspace_agent_newest_first';
export const CALL_SESSIONS_BY_STATUS_INDEX = 'workspace_status_newest_first';
export const CALL_SESSIONS_BY_TYPE_INDEX = 'workspace_type_newest_first';
export const CALL_SESSIONS_BY_ROOM_INDEX = 'room_newest_first';
export const CALL_SESSIONS_OPEN_INDEX = 'status_oldest_first';
export const CALL_SESSIONS_BY_PHONE_INDEX = 'workspace_phone_newest_first';
export const CALL_SESSIONS_AWAITING_AGENT_INDEX = 'awaiting_agent_oldest_first';
callSessionMongooseSchema.index(
  { workspaceId: 1, createdAt: -1, _id: -1 },
  { name: CALL_SESSIONS_NEWEST_INDEX },
);
callSessionMongooseSchema.index(
  { workspaceId: 1, agentId: 1, createdAt: -1, _id: -1 },
  { name: CALL_SESSIONS_BY_AGENT_INDEX },
);
callSessionMongooseSchema.index(
  { workspaceId: 1, status: 1, createdAt: -1, _id: -1 },
  { name: CALL_SESSIONS_BY_STATUS_INDEX },
);
callSessionMongooseSchema.index(
  { workspaceId: 1, type: 1, createdAt: -1, _id: -1 },
  { name: CALL_SESSIONS_BY_TYPE_INDEX },
);
callSessionMongooseSchema.index(
  { roomName: 1, createdAt: -1, _id: -1 },
  { name: CALL_SESSIONS_BY_ROOM_INDEX },
);
callSessionMongooseSchema.index({ status: 1, createdAt: 1 }, { name: CALL_SESSIONS_OPEN_INDEX });
callSessionMongooseSchema.index(
  { workspaceId: 1, phoneNumbers: 1, createdAt: -1, _id: -1 },
  { name: CALL_SESSIONS_BY_PHONE_INDEX },
);
callSessionMongooseSchema.index(
  { awaitingAgent: 1, type: 1, createdAt: 1 },
  { name: CALL_SESSIONS_AWAITING_AGENT_INDEX },
);

export type CallSessionDocument = InferSchemaType<typeof callSessionMongooseSchema> & {
  _id: Types.ObjectId;
};

/**
 * `call_session_events` documents: `_id` IS LiveKit's event id, so a second delivery's insert fails
 * with 11000 on MongoDB and FerretDB alike (no transaction, no conditional update). listEvents
 * (`workspaceId`, `sessionId`) → `workspace_session`.
 */
export const callEventMongooseSchema = new Schema(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    sessionId: { type: String, required: true },
    type: { type: String, required: true },
    at: { type: Date, required: true },
    roomSid: { type: String, default: null },
    participant: {
      type: new Schema(
        {
          identity: { type: String, required: true },
          kind: { type: String, required: true },
          disconnectReason: { type: String, default: undefined },
        },
        { _id: false },
      ),
      default: null,
    },
  },
  {
    collection: CALL_EVENTS_COLLECTION,
    versionKey: false,
    autoIndex: false,
    autoCreate: false,
    strict: true,
  },
);
export const CALL_EVENTS_BY_SESSION_INDEX = 'workspace_session';
callEventMongooseSchema.index(
  { workspaceId: 1, sessionId: 1 },
  { name: CALL_EVENTS_BY_SESSION_INDEX },
);

export type CallEventDocument = InferSchemaType<typeof callEventMongooseSchema>;

export function callSessionModel(connection: Connection): Model<CallSessionDocument> {
  return (
    (connection.models.CallSession as Model<CallSessionDocument> | undefined) ??
    connection.model<CallSessionDocument>('CallSession', callSessionMongooseSchema)
  );
}

export function callEventModel(connection: Connection): Model<CallEventDocument> {
  return (
    (connection.models.CallEvent as Model<CallEventDocument> | undefined) ??
    connection.model<CallEventDocument>('CallEvent', callEventMongooseSchema)
  );
}
