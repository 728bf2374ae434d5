import mongoose, { type Connection } from 'mongoose';
import type { ConfigChange } from '../../../shared/agent-version.schema.ts';
import type {
  AuditAction,
  AuditActor,
  AuditTarget,
  AuditVia,
} from '../../../shared/audit.schema.ts';
import type { AuditRecord, AuditStore } from '../../ports/audit-store.port.ts';
import { ignoreAlreadyExists, translate } from './agent-store.mongoose.ts';
import { auditModel, type AuditDocument } from './audit.model.ts';

/** The explicit mapper from a lean document: nothing Mongoose-shaped leaves this file. */
export function toAuditRecord(doc: AuditDocument): AuditRecord {
  return {
    id: doc._id.toHexString(),
    workspaceId: doc.workspaceId,
    at: doc.at,
    actor: {
      kind: doc.actor.kind as AuditActor['kind'],
      id: doc.actor.id,
      ...(typeof doc.actor.name === 'string' && { name: doc.actor.name }),
    },
    via: { kind: doc.via.kind as AuditVia['kind'], id: doc.via.id },
    action: doc.action as AuditAction,
    target: {
      type: doc.target.type as AuditTarget['type'],
      id: doc.target.id,
      ...(typeof doc.target.name === 'string' && { name: doc.target.name }),
    },
    agentId: doc.agentId ?? null,
    ...(doc.changes !== undefined &&
      doc.changes !== null && {
        changes: doc.changes as ConfigChange[],
      }),
    ...(doc.details !== undefined &&
      doc.details !== null && {
        details: doc.details as Record<string, unknown>,
      }),
  };
}

export interface MongooseAuditStore extends AuditStore {
  /** Creates the collection and the indexes `list` uses (idempotent). */
  ensureIndexes(): Promise<void>;
}

const NEWEST_FIRST = { at: -1, _id: -1 } as const;

/** Entries in MongoDB / FerretDB: one insert each; reads by the workspace's indexes. */
export function createMongooseAuditStore(connection: Connection): MongooseAuditStore {
  const Entries = auditModel(connection);

  return {
    ensureIndexes: () =>
      translate(async () => {
        await Entries.createCollection().catch(ignoreAlreadyExists);
        await Entries.createIndexes();
      }),

    append: (workspaceId, entry) =>
      translate(async () => {
        const doc = {
          _id: new mongoose.Types.ObjectId(),
          workspaceId,
          at: entry.at,
          actor: entry.actor,
          via: entry.via,
          action: entry.action,
          target: entry.target,
          agentId: entry.agentId,
          ...(entry.changes !== undefined && { changes: entry.changes }),
          ...(entry.details !== undefined && { details: entry.details }),
        };
        await Entries.create(doc);
        // A copy of what was written: the caller gets its own objects.
        return structuredClone(toAuditRecord(doc as AuditDocument));
      }),

    list: (workspaceId, { limit, after, agentId, actorId }) =>
      translate(async () => {
        const filter: Record<string, unknown> = {
          workspaceId,
          ...(agentId !== undefined && { agentId }),
          ...(actorId !== undefined && { 'actor.id': actorId }),
        };
        if (after) {
          const afterId = new mongoose.Types.ObjectId(after.id);
          filter.$or = [{ at: { $lt: after.at } }, { at: after.at, _id: { $lt: afterId } }];
        }
        const docs = await Entries.find(filter)
          .sort(NEWEST_FIRST)
          .limit(limit)
          .lean<AuditDocument[]>()
          .exec();
        return docs.map(toAuditRecord);
      }),
  };
}
