import mongoose, { type Connection } from 'mongoose';
import type {
  DidRouteListQuery,
  DidRouteRecord,
  DidRouteStore,
} from '../../ports/did-route-store.port.ts';
import {
  adoptUnowned,
  dropIndexes,
  ignoreAlreadyExists,
  pingDatabase,
  translate,
} from './agent-store.mongoose.ts';
import { deletedLiveKey, didRouteModel, type DidRouteDocument } from './did-route.model.ts';

/** The explicit mapper from a lean document: nothing Mongoose-shaped leaves this file. */
export function toDidRouteRecord(doc: DidRouteDocument): DidRouteRecord {
  return {
    id: doc._id.toHexString(),
    workspaceId: doc.workspaceId,
    did: doc.did,
    agentId: doc.agentId.toHexString(),
    // Routes stored before versions follow "published".
    agentVersion: doc.agentVersion ?? null,
    label: doc.label ?? null,
    sync: {
      state: doc.sync.state,
      ruleId: doc.sync.ruleId ?? null,
      error: doc.sync.error ?? null,
      syncedAt: doc.sync.syncedAt ?? null,
    },
    revision: doc.revision,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    deletedAt: doc.deletedAt ?? null,
  };
}

export interface MongooseDidRouteStore extends DidRouteStore {
  /** Creates the collection and the indexes the queries rely on; drops obsolete ones (idempotent). */
  ensureIndexes(): Promise<void>;
  /** Moves routes stored before workspaces existed into `workspaceId`; answers how many. */
  adoptUnowned(workspaceId: string): Promise<number>;
}

/** Indexes of earlier versions that no query uses any more. */
const OBSOLETE_ROUTE_INDEXES = ['live_by_agent'];

const OBJECT_ID = /^[0-9a-f]{24}$/;

/**
 * A unique-index violation. MongoDB says 11000 for inserts and updates alike; FerretDB v1 says
 * 11000 for an insert but, for an update, code 1 (InternalError) with SQLite's message — while
 * still refusing the write, so the index holds either way.
 */
export function isDuplicateKey(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code === 11000) return true;
  return code === 1 && typeof message === 'string' && message.includes('UNIQUE constraint failed');
}

export function createMongooseDidRouteStore(connection: Connection): MongooseDidRouteStore {
  const Routes = didRouteModel(connection);
  const objectId = (id: string) => new mongoose.Types.ObjectId(id);
  const liveById = (workspaceId: string, id: string) => ({
    _id: objectId(id),
    workspaceId,
    deletedAt: null,
  });
  /** The live route of a DID in any workspace: the number is unique across all of them. */
  const findLiveByDid = async (did: string) => {
    const doc = await Routes.findOne({ liveKey: did }).lean<DidRouteDocument>().exec();
    return doc ? toDidRouteRecord(doc) : null;
  };
  const listLive = async (filter: mongoose.QueryFilter<DidRouteDocument>, limit: number) => {
    const docs = await Routes.find(filter)
      .sort({ did: 1 })
      .limit(limit)
      .lean<DidRouteDocument[]>()
      .exec();
    return docs.map(toDidRouteRecord);
  };

  return {
    ensureIndexes: () =>
      translate(async () => {
        await Routes.createCollection().catch(ignoreAlreadyExists);
        await Routes.createIndexes();
        await dropIndexes(Routes.collection, OBSOLETE_ROUTE_INDEXES);
      }),

    adoptUnowned: (workspaceId) => translate(() => adoptUnowned(Routes.collection, workspaceId)),

    list: (workspaceId, { limit, afterDid, agentId }: DidRouteListQuery) =>
      translate(async () => {
        const filter: mongoose.QueryFilter<DidRouteDocument> = { workspaceId, deletedAt: null };
        if (agentId !== undefined) filter.agentId = objectId(agentId);
        if (afterDid !== undefined) filter.did = { $gt: afterDid };
        return listLive(filter, limit);
      }),

    listAllLive: ({ limit, afterDid }) =>
      translate(async () => {
        const filter: mongoose.QueryFilter<DidRouteDocument> = { deletedAt: null };
        if (afterDid !== undefined) filter.did = { $gt: afterDid };
        return listLive(filter, limit);
      }),

    get: (workspaceId, id) =>
      translate(async () => {
        if (!OBJECT_ID.test(id)) return null;
        const doc = await Routes.findOne(liveById(workspaceId, id)).lean<DidRouteDocument>().exec();
        return doc ? toDidRouteRecord(doc) : null;
      }),

    getMany: (ids) =>
      translate(async () => {
        const valid = ids.filter((id) => OBJECT_ID.test(id));
        if (valid.length === 0) return [];
        const docs = await Routes.find({ _id: { $in: valid.map(objectId) } })
          .lean<DidRouteDocument[]>()
          .exec();
        return docs.map(toDidRouteRecord);
      }),

    findByDid: (workspaceId, did) =>
      translate(async () => {
        const doc = await Routes.findOne({ liveKey: did, workspaceId })
          .lean<DidRouteDocument>()
          .exec();
        return doc ? toDidRouteRecord(doc) : null;
      }),

    findLiveByDid: (did) =>
      translate(async () => {
        const doc = await Routes.findOne({ liveKey: did }).lean<DidRouteDocument>().exec();
        return doc ? toDidRouteRecord(doc) : null;
      }),

    listByAgent: (workspaceId, agentId) =>
      translate(async () => {
        const docs = await Routes.find({ workspaceId, agentId: objectId(agentId), deletedAt: null })
          .sort({ did: 1 })
          .lean<DidRouteDocument[]>()
          .exec();
        return docs.map(toDidRouteRecord);
      }),

    create: (workspaceId, input) =>
      translate(async () => {
        try {
          const doc = await Routes.create({
            workspaceId,
            did: input.did,
            liveKey: input.did,
            agentId: objectId(input.agentId),
            agentVersion: input.agentVersion,
            label: input.label,
            sync: input.sync,
            revision: 1,
            deletedAt: null,
          });
          return { status: 'created', route: toDidRouteRecord(doc.toObject<DidRouteDocument>()) };
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          return { status: 'did_taken', existing: await findLiveByDid(input.did) };
        }
      }),

    update: (workspaceId, id, patch) =>
      translate(async () => {
        if (!OBJECT_ID.test(id)) return { status: 'not_found' };
        const set: Record<string, unknown> = {};
        if (patch.did !== undefined) {
          set.did = patch.did;
          set.liveKey = patch.did;
        }
        if (patch.agentId !== undefined) set.agentId = objectId(patch.agentId);
        if (patch.agentVersion !== undefined) set.agentVersion = patch.agentVersion;
        if (patch.label !== undefined) set.label = patch.label;
        if (patch.sync !== undefined) set.sync = patch.sync;
        try {
          const doc = await Routes.findOneAndUpdate(
            liveById(workspaceId, id),
            { $set: set, $inc: { revision: 1 } },
            { returnDocument: 'after' },
          )
            .lean<DidRouteDocument>()
            .exec();
          return doc
            ? { status: 'updated', route: toDidRouteRecord(doc) }
            : { status: 'not_found' };
        } catch (error) {
          if (!isDuplicateKey(error) || patch.did === undefined) throw error;
          return { status: 'did_taken', existing: await findLiveByDid(patch.did) };
        }
      }),

    softDelete: (workspaceId, id, at, sync) =>
      translate(async () => {
        if (!OBJECT_ID.test(id)) return null;
        // The freed key names the DID, so the update is conditional on the DID read: a
        // concurrent change of the DID makes it miss, and it is tried again with the new one.
        for (let attempt = 0; attempt < 5; attempt++) {
          const current = await Routes.findOne(liveById(workspaceId, id))
            .lean<DidRouteDocument>()
            .exec();
          if (!current) return null;
          const doc = await Routes.findOneAndUpdate(
            { ...liveById(workspaceId, id), did: current.did },
            {
              $set: {
                deletedAt: at,
                updatedAt: at,
                liveKey: deletedLiveKey(current.did, id),
                sync,
              },
              $inc: { revision: 1 },
            },
            { returnDocument: 'after', timestamps: false },
          )
            .lean<DidRouteDocument>()
            .exec();
          if (doc) return toDidRouteRecord(doc);
        }
        return null;
      }),

    setSync: (id, revision, sync) =>
      translate(async () => {
        if (!OBJECT_ID.test(id)) return null;
        // Not atomic on FerretDB v1 (see agent.model.ts): at worst a stale outcome is recorded,
        // which the next `telephony.sync` corrects, since it compares LiveKit's rules themselves.
        const doc = await Routes.findOneAndUpdate(
          { _id: objectId(id), revision },
          { $set: { sync } },
          { returnDocument: 'after', timestamps: false },
        )
          .lean<DidRouteDocument>()
          .exec();
        return doc ? toDidRouteRecord(doc) : null;
      }),

    ping: () => translate(() => pingDatabase(connection)),
  };
}
