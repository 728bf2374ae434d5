import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

export const AGENT_VERSIONS_COLLECTION = 'agent_versions';

const versionAuthorSchema = new Schema(
  {
    kind: { type: String, required: true },
    id: { type: String, required: true },
  },
  { _id: false },
);

/**
 * `agent_versions` documents: one immutable published copy of an agent's config each. `_id` is
 * `<workspaceId>:<agentId>:v<N>` and IS the claim on number N: inserting it is atomic on MongoDB
 * and FerretDB alike (no transactions needed), so two publishers never share a number and a read of
 * one version is by `{ _id }` alone — the one filter the bundled FerretDB 1.x pushes down. The
 * workspace is part of the key so that one agent id in two workspaces numbers independently.
 * Nothing changes what a version says; a delete only sets `deletedAt` (the document, and its
 * number, stay).
 */
export const agentVersionMongooseSchema = new Schema(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    agentId: { type: String, required: true },
    version: { type: Number, required: true },
    config: { type: Schema.Types.Mixed, default: () => ({}) },
    configHash: { type: String, required: true },
    parentVersion: { type: Number, default: null },
    restoredFrom: { type: Number, default: null },
    // Not `required`: Mongoose refuses an empty string there.
    note: { type: String, default: null },
    publishedBy: { type: versionAuthorSchema, required: true },
    publishedAt: { type: Date, required: true },
    /** Set when the version is deleted (hidden); absent on versions stored before deletes. */
    deletedAt: { type: Date, default: null },
  },
  {
    collection: AGENT_VERSIONS_COLLECTION,
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
 * Every query the adapter makes, and its index (each limited to the caller's workspace):
 * - get, ensureFirst's read of version 1, markDeleted and unmarkDeleted, by `_id` alone (it names
 *   the workspace and the agent; `deletedAt` is checked in code) → the `_id` index.
 * - latest (and append's read of it) and list: `workspaceId` + `agentId` + `deletedAt: null`
 *   (+ `version < before` when paging), sorted `version` desc → `workspace_agent_live_newest_first`.
 * The integration test checks every query the adapter sends against this list.
 */
export const AGENT_VERSIONS_LIST_INDEX = 'workspace_agent_live_newest_first';
agentVersionMongooseSchema.index(
  { workspaceId: 1, agentId: 1, deletedAt: 1, version: -1 },
  { name: AGENT_VERSIONS_LIST_INDEX },
);

export type AgentVersionDocument = InferSchemaType<typeof agentVersionMongooseSchema>;

export function agentVersionModel(connection: Connection): Model<AgentVersionDocument> {
  return (
    (connection.models.AgentVersion as Model<AgentVersionDocument> | undefined) ??
    connection.model<AgentVersionDocument>('AgentVersion', agentVersionMongooseSchema)
  );
}
