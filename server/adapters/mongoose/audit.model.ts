import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

export const AUDIT_COLLECTION = 'audit_entries';

const actorSchema = new Schema(
  {
    kind: { type: String, required: true },
    id: { type: String, required: true },
    name: { type: String },
  },
  { _id: false },
);

const viaSchema = new Schema(
  {
    kind: { type: String, required: true },
    id: { type: String, required: true },
  },
  { _id: false },
);

const targetSchema = new Schema(
  {
    type: { type: String, required: true },
    id: { type: String, required: true },
    name: { type: String },
  },
  { _id: false },
);

/**
 * `audit_entries` documents: one per recorded change, inserted once and never updated or deleted
 * (nothing in the adapter sends an update or a delete; the integration test checks it).
 */
export const auditMongooseSchema = new Schema(
  {
    workspaceId: { type: String, required: true },
    at: { type: Date, required: true },
    actor: { type: actorSchema, required: true },
    via: { type: viaSchema, required: true },
    action: { type: String, required: true },
    target: { type: targetSchema, required: true },
    agentId: { type: String, default: null },
    // Path-by-path diffs and small facts, kept exactly as given (`{}` included).
    changes: { type: Schema.Types.Mixed },
    details: { type: Schema.Types.Mixed },
  },
  {
    collection: AUDIT_COLLECTION,
    versionKey: false,
    minimize: false,
    // Indexes are created explicitly by the adapter's `ensureIndexes()` at start-up.
    autoIndex: false,
    autoCreate: false,
    strict: true,
  },
);

/**
 * Every query the API makes, and its index: `list`, newest first (sort at desc, _id desc, keyset
 * `$or` on (at, _id)), in the caller's workspace
 * - without filters → `workspace_newest_first`;
 * - by agent → `workspace_agent_newest_first`; by actor → `workspace_actor_newest_first`;
 * - by both → `workspace_agent_actor_newest_first` (the log's two filters, both offered by the
 *   dashboard: four small indexes on a collection written once per change).
 * The integration test checks every query the adapter sends against this list.
 */
export const AUDIT_NEWEST_INDEX = 'workspace_newest_first';
export const AUDIT_BY_AGENT_INDEX = 'workspace_agent_newest_first';
export const AUDIT_BY_ACTOR_INDEX = 'workspace_actor_newest_first';
export const AUDIT_BY_AGENT_ACTOR_INDEX = 'workspace_agent_actor_newest_first';
auditMongooseSchema.index({ workspaceId: 1, at: -1, _id: -1 }, { name: AUDIT_NEWEST_INDEX });
auditMongooseSchema.index(
  { workspaceId: 1, agentId: 1, at: -1, _id: -1 },
  { name: AUDIT_BY_AGENT_INDEX },
);
auditMongooseSchema.index(
  { workspaceId: 1, 'actor.id': 1, at: -1, _id: -1 },
  { name: AUDIT_BY_ACTOR_INDEX },
);
auditMongooseSchema.index(
  { workspaceId: 1, agentId: 1, 'actor.id': 1, at: -1, _id: -1 },
  { name: AUDIT_BY_AGENT_ACTOR_INDEX },
);

export type AuditDocument = InferSchemaType<typeof auditMongooseSchema> & {
  _id: Types.ObjectId;
};

export function auditModel(connection: Connection): Model<AuditDocument> {
  return (
    (connection.models.AuditEntry as Model<AuditDocument> | undefined) ??
    connection.model<AuditDocument>('AuditEntry', auditMongooseSchema)
  );
}
