import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

export const DID_ROUTES_COLLECTION = 'telephony_did_routes';

const routeSyncMongooseSchema = new Schema(
  {
    state: { type: String, enum: ['synced', 'pending', 'error'], required: true },
    ruleId: { type: String, default: null },
    error: { type: String, default: null },
    syncedAt: { type: Date, default: null },
  },
  { _id: false },
);

/**
 * `telephony_did_routes` documents: a phone number (E.164) → agent.
 *
 * "One live route per DID" is the unique index on `liveKey`, which equals `did` while the route
 * is live and becomes `<did>~<id>` when it is deleted. A partial unique index
 * (`{ did: 1 }` where `deletedAt: null`) would say the same more directly, but FerretDB v1 has no
 * partial indexes, and a check-then-insert is not atomic anywhere: the unique key makes racing
 * creates (and updates to the same new DID) fail with 11000 on MongoDB and FerretDB alike.
 * `revision` is ours (see DidRouteRecord); Mongoose's `__v` is off.
 */
export const didRouteMongooseSchema = new Schema(
  {
    /** The workspace the route belongs to (documents from before workspaces are adopted at start). */
    workspaceId: { type: String, required: true },
    did: { type: String, required: true },
    liveKey: { type: String, required: true },
    agentId: { type: Schema.Types.ObjectId, required: true },
    /** The pinned agent version; null (and absent, before versions) follows "published". */
    agentVersion: { type: Number, default: null },
    label: { type: String, default: null },
    sync: { type: routeSyncMongooseSchema, required: true },
    revision: { type: Number, required: true, default: 1 },
    deletedAt: { type: Date, default: null },
  },
  {
    collection: DID_ROUTES_COLLECTION,
    timestamps: true,
    versionKey: false,
    // Indexes are created explicitly by the adapter's `ensureIndexes()` at start-up.
    autoIndex: false,
    autoCreate: false,
    strict: true,
  },
);

/**
 * Every query the API makes, and its index. A number has at most one live route across ALL
 * workspaces (LiveKit's dispatch rules are global per number), so the unique key does not
 * include the workspace; everything a caller reads is limited to their workspace:
 * - create / update (uniqueness of live DIDs), findByDid (`liveKey: did` + `workspaceId`) →
 *   `one_live_route_per_did`; so is findLiveByDid (`liveKey: did`, an inbound call's webhook).
 * - list (filter `workspaceId`, `deletedAt: null`, keyset `did > after`, sort `did`) →
 *   `workspace_live_by_did`.
 * - list by agent, listByAgent (`workspaceId`, `agentId`, `deletedAt: null`, sort `did`) →
 *   `workspace_live_by_agent`, which also answers "does this agent still have numbers" before an
 *   agent is deleted.
 * - listAllLive, the SIP reconcile across workspaces (`deletedAt: null`, keyset and sort `did`) →
 *   `live_by_did`.
 * - get / update / softDelete by `_id` (+ `workspaceId`, `deletedAt`), getMany / setSync by `_id`
 *   (+ `revision`) → `_id`.
 * - adoption at start-up (`workspaceId: { $exists: false }`, once) scans.
 */
didRouteMongooseSchema.index({ liveKey: 1 }, { name: 'one_live_route_per_did', unique: true });
didRouteMongooseSchema.index(
  { workspaceId: 1, deletedAt: 1, did: 1 },
  { name: 'workspace_live_by_did' },
);
didRouteMongooseSchema.index(
  { workspaceId: 1, agentId: 1, deletedAt: 1, did: 1 },
  { name: 'workspace_live_by_agent' },
);
didRouteMongooseSchema.index({ deletedAt: 1, did: 1 }, { name: 'live_by_did' });

export type DidRouteDocument = InferSchemaType<typeof didRouteMongooseSchema> & {
  _id: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
};

/** The key a deleted route keeps: unique, and never equal to a DID. */
export function deletedLiveKey(did: string, id: string): string {
  return `${did}~${id}`;
}

export function didRouteModel(connection: Connection): Model<DidRouteDocument> {
  return (
    (connection.models.TelephonyDidRoute as Model<DidRouteDocument> | undefined) ??
    connection.model<DidRouteDocument>('TelephonyDidRoute', didRouteMongooseSchema)
  );
}
