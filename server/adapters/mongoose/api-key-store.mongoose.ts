import mongoose, { type Connection } from 'mongoose';
import type { Permission } from '../../../shared/auth.schema.ts';
import { ConflictError } from '../../errors.ts';
import type { ApiKeyRecord, ApiKeyStore } from '../../ports/api-key-store.port.ts';
import { ignoreAlreadyExists, pingDatabase, translate } from './agent-store.mongoose.ts';
import { apiKeyModel, apiKeyRevocationModel, type ApiKeyDocument } from './api-key.model.ts';
import { isDuplicateKey } from './did-route-store.mongoose.ts';
import { claimOnce, findClaim } from './once-claim.model.ts';

/** The explicit mapper from a lean document: nothing Mongoose-shaped leaves this file. */
export function toApiKeyRecord(doc: ApiKeyDocument): ApiKeyRecord {
  return {
    id: doc._id.toHexString(),
    workspaceId: doc.workspaceId,
    kind: doc.kind,
    name: doc.name ?? '',
    hash: doc.hash,
    start: doc.start ?? '',
    scopes: [...(doc.scopes ?? [])] as Permission[],
    origins: [...(doc.origins ?? [])],
    agentIds: doc.agentIds ? [...doc.agentIds] : null,
    createdBy: doc.createdBy,
    createdAt: doc.createdAt,
    lastUsedAt: doc.lastUsedAt ?? null,
    revokedAt: doc.revokedAt ?? null,
  };
}

export interface MongooseApiKeyStore extends ApiKeyStore {
  /** Creates the collections and the indexes the queries rely on (idempotent). */
  ensureIndexes(): Promise<void>;
}

const OBJECT_ID = /^[0-9a-f]{24}$/;

/**
 * API keys in MongoDB (or FerretDB v1). A revocation is decided by inserting its claim
 * (once-claim.model.ts), then copied onto the key.
 *
 * FerretDB v1 applies an update by reading the whole document and writing it back by `_id`, so
 * two updates of one key can lose one of them. Losing a `lastUsedAt` is harmless; losing a
 * `revokedAt` would bring a revoked key back. So `touch`, the only other writer, looks for a
 * revocation claim after its write and copies the revocation over again if there is one: any
 * write that may have undone a revocation is followed by a read that sees its claim (the claim
 * is inserted before the revocation is written). On MongoDB `$set` changes only its own field.
 */
export function createMongooseApiKeyStore(connection: Connection): MongooseApiKeyStore {
  const Keys = apiKeyModel(connection);
  const Revocations = apiKeyRevocationModel(connection);
  const byId = (id: string) => ({ _id: new mongoose.Types.ObjectId(id) });
  const markRevoked = (id: string, at: Date) =>
    Keys.findOneAndUpdate(byId(id), { $set: { revokedAt: at } }, { returnDocument: 'after' })
      .lean<ApiKeyDocument>()
      .exec();
  /** Copies a recorded revocation onto the key (after a write that may have undone it). */
  const reapplyRevocation = async (id: string) => {
    const claim = await findClaim(Revocations, id);
    if (claim) await markRevoked(id, claim.at);
  };

  return {
    ensureIndexes: () =>
      translate(async () => {
        await Keys.createCollection().catch(ignoreAlreadyExists);
        await Revocations.createCollection().catch(ignoreAlreadyExists);
        await Keys.createIndexes();
      }),

    create: (key) =>
      translate(async () => {
        try {
          const doc = await Keys.create({ ...key, lastUsedAt: null, revokedAt: null });
          return toApiKeyRecord(doc.toObject<ApiKeyDocument>());
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          throw new ConflictError('An API key with this hash already exists', { cause: error });
        }
      }),

    findByHash: (hash) =>
      translate(async () => {
        const doc = await Keys.findOne({ hash }).lean<ApiKeyDocument>().exec();
        return doc ? toApiKeyRecord(doc) : null;
      }),

    list: (workspaceId, limit) =>
      translate(async () => {
        const docs = await Keys.find({ workspaceId })
          .sort({ createdAt: -1, _id: -1 })
          .limit(limit)
          .lean<ApiKeyDocument[]>()
          .exec();
        return docs.map(toApiKeyRecord);
      }),

    revoke: (workspaceId, id, at) =>
      translate(async () => {
        if (!OBJECT_ID.test(id)) return null;
        const current = await Keys.findOne(byId(id)).lean<ApiKeyDocument>().exec();
        if (!current || current.workspaceId !== workspaceId || current.revokedAt != null) {
          return null;
        }
        if (!(await claimOnce(Revocations, { _id: id, how: 'revoked', at }))) {
          // Revoked by another writer, which may have died before marking the key: mark it.
          await reapplyRevocation(id);
          return null;
        }
        const doc = await markRevoked(id, at);
        return doc ? toApiKeyRecord(doc) : null;
      }),

    touch: (id, at) =>
      translate(async () => {
        if (!OBJECT_ID.test(id)) return;
        const { matchedCount } = await Keys.updateOne(byId(id), {
          $set: { lastUsedAt: at },
        }).exec();
        if (matchedCount > 0) await reapplyRevocation(id);
      }),

    ping: () => translate(() => pingDatabase(connection)),
  };
}
