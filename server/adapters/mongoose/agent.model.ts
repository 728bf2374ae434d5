import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

export const AGENTS_COLLECTION = 'agents';

/**
 * `agents` documents. `config` is one JSON blob (adding a field inside it needs no change here:
 * the README's "Case A"). `version` is ours, for optimistic concurrency; Mongoose's `__v` is off.
 */
export const agentMongooseSchema = new Schema(
  {
    /** The workspace the agent belongs to (documents from before workspaces are adopted at start). */
    workspaceId: { type: String, required: true },
    name: { type: String, required: true },
    description: { type: String, default: '' },
    config: { type: Schema.Types.Mixed, default: () => ({}) },
    version: { type: Number, required: true, default: 1 },
    deletedAt: { type: Date, default: null },
  },
  {
    collection: AGENTS_COLLECTION,
    timestamps: true,
    versionKey: false,
    // Keep `{}` configs and empty objects inside them exactly as given.
    minimize: false,
    // Indexes are created explicitly by the adapter's `ensureIndexes()` at start-up.
    autoIndex: false,
    autoCreate: false,
    strict: true,
  },
);

/**
 * Every query the API makes, and its index (every one is limited to the caller's workspace):
 * - list (filter `workspaceId` + `deletedAt: null`, optional name match, sort createdAt desc,
 *   _id desc, keyset on the same pair) → `workspace_live_newest_first`. The name match is a
 *   case-insensitive substring, which no B-tree index can seek; it is applied while walking this
 *   index in order, so a page still reads only as far as it needs.
 * - get by `_id` alone, `workspaceId` and `deletedAt` checked in code → the `_id` index (and the
 *   only filter the bundled FerretDB 1.x pushes down to SQLite instead of scanning the
 *   collection). `_id` is unique, so a `{ workspaceId, _id }` index would add nothing.
 * - update / softDelete by `_id` + `workspaceId` + `deletedAt: null` + `version` → the `_id` index.
 * - namesByIds (`_id: { $in }` + `workspaceId`, deleted agents included, projecting `name`) → the
 *   `_id` index.
 * - adoption at start-up (`workspaceId: { $exists: false }`, once) scans: it runs once per start
 *   and finds nothing after the first.
 * The integration test checks every query the adapter sends against this list.
 */
/** The list's index; scripts that wait for the indexes look for it by this name. */
export const AGENTS_LIST_INDEX = 'workspace_live_newest_first';
agentMongooseSchema.index(
  { workspaceId: 1, deletedAt: 1, createdAt: -1, _id: -1 },
  { name: AGENTS_LIST_INDEX },
);

export type AgentDocument = InferSchemaType<typeof agentMongooseSchema> & {
  _id: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
};

/**
 * One short-lived document per version transition in progress: `_id` is `<agentId>:<version>`.
 * Inserting it is the portable compare-and-set. MongoDB makes a conditional `findOneAndUpdate`
 * atomic, but FerretDB v1 (SQLite) does not: 20 racing updates with the same version filter can
 * all "win" (measured: 9 rounds in 10 had more than one winner). Inserting a unique `_id` is atomic
 * on both, so the insert decides the winner and the conditional update only applies its change.
 * Claims are deleted after the transition; one left by a crash is taken over after
 * `CLAIM_STALE_MS`. The `_id` index is the only one needed.
 */
export const REVISION_CLAIMS_COLLECTION = 'agent_revision_claims';

export const revisionClaimMongooseSchema = new Schema(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
  },
  {
    collection: REVISION_CLAIMS_COLLECTION,
    versionKey: false,
    autoIndex: false,
    autoCreate: false,
  },
);

export interface RevisionClaimDocument {
  _id: string;
  at: Date;
}

export function revisionClaimModel(connection: Connection): Model<RevisionClaimDocument> {
  return (
    (connection.models.AgentRevisionClaim as Model<RevisionClaimDocument> | undefined) ??
    connection.model<RevisionClaimDocument>('AgentRevisionClaim', revisionClaimMongooseSchema)
  );
}

export function agentModel(connection: Connection): Model<AgentDocument> {
  return (
    (connection.models.Agent as Model<AgentDocument> | undefined) ??
    connection.model<AgentDocument>('Agent', agentMongooseSchema)
  );
}
