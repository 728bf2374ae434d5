import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';
import { apiKeyKindSchema } from '../../../shared/workspace.schema.ts';
import { onceClaimModel, type OnceClaimDocument } from './once-claim.model.ts';

export const API_KEYS_COLLECTION = 'api_keys';
/** One document per revoked key: see once-claim.model.ts. */
export const API_KEY_REVOCATIONS_COLLECTION = 'api_key_revocations';

/**
 * `api_keys` documents. The key itself is never stored, only its SHA-256 (`hash`), unique across
 * all workspaces. `revokedAt` is copied from the revocation's claim (see once-claim.model.ts).
 * `agentIds: null` means every agent of the workspace, which is not the same as `[]`.
 *
 * Every query, and its index:
 * - findByHash (`hash`, the per-request lookup), and "one key per hash" → `API_KEY_HASH_INDEX`
 *   (unique).
 * - list (`workspaceId`, sort `createdAt` desc, `_id` desc, limit) → `API_KEYS_LIST_INDEX`.
 * - revoke and touch read and write by exactly `{ _id }` (the workspace is checked in code): the
 *   `_id` index, and the only filter FerretDB 1.x pushes down instead of scanning.
 * The integration test checks every query the adapter sends against this list.
 */
export const apiKeyMongooseSchema = new Schema(
  {
    workspaceId: { type: String, required: true },
    kind: { type: String, enum: apiKeyKindSchema.options, required: true },
    name: { type: String, default: '' },
    hash: { type: String, required: true },
    start: { type: String, default: '' },
    scopes: { type: [String], default: [] },
    origins: { type: [String], default: [] },
    agentIds: { type: [String], default: null },
    createdBy: { type: String, required: true },
    lastUsedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  {
    collection: API_KEYS_COLLECTION,
    timestamps: { createdAt: true, updatedAt: false },
    versionKey: false,
    // Indexes are created explicitly by the adapter's `ensureIndexes()` at start-up.
    autoIndex: false,
    autoCreate: false,
    strict: true,
  },
);

export const API_KEY_HASH_INDEX = 'one_key_per_hash';
export const API_KEYS_LIST_INDEX = 'workspace_keys_newest_first';
apiKeyMongooseSchema.index({ hash: 1 }, { name: API_KEY_HASH_INDEX, unique: true });
apiKeyMongooseSchema.index(
  { workspaceId: 1, createdAt: -1, _id: -1 },
  { name: API_KEYS_LIST_INDEX },
);

export type ApiKeyDocument = InferSchemaType<typeof apiKeyMongooseSchema> & {
  _id: Types.ObjectId;
  createdAt: Date;
};

export function apiKeyModel(connection: Connection): Model<ApiKeyDocument> {
  return (
    (connection.models.ApiKey as Model<ApiKeyDocument> | undefined) ??
    connection.model<ApiKeyDocument>('ApiKey', apiKeyMongooseSchema)
  );
}

export function apiKeyRevocationModel(connection: Connection): Model<OnceClaimDocument> {
  return onceClaimModel(connection, 'ApiKeyRevocation', API_KEY_REVOCATIONS_COLLECTION);
}
