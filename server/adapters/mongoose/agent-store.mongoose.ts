import mongoose, { type Connection } from 'mongoose';
import type { AgentConfig } from '../../../shared/agent.schema.ts';
import { ConflictError, ServiceUnavailableError } from '../../errors.ts';
import type {
  AgentListQuery,
  AgentRecord,
  AgentRecordPatch,
  AgentStore,
  AgentUpdateOutcome,
} from '../../ports/agent-store.port.ts';
import {
  agentModel,
  revisionClaimModel,
  type AgentDocument,
  type RevisionClaimDocument,
} from './agent.model.ts';

export const DATABASE_UNAVAILABLE = 'The database is not answering; try again in a moment';
export const DATABASE_DOWN = { service: 'database', reason: 'unavailable' } as const;

/** The explicit mapper from a lean document: nothing Mongoose-shaped leaves this file. */
export function toAgentRecord(doc: AgentDocument): AgentRecord {
  return {
    id: doc._id.toHexString(),
    workspaceId: doc.workspaceId,
    name: doc.name,
    description: doc.description ?? '',
    config: (doc.config ?? {}) as AgentConfig,
    version: doc.version,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    deletedAt: doc.deletedAt ?? null,
  };
}

export interface MongooseAgentStore extends AgentStore {
  /** Creates the indexes the queries rely on and drops those no query uses any more (idempotent). */
  ensureIndexes(): Promise<void>;
  /**
   * Moves agents stored before workspaces existed (no `workspaceId`) into `workspaceId`; answers
   * how many. Run once at start-up, after `ensureIndexes`.
   */
  adoptUnowned(workspaceId: string): Promise<number>;
}

const OBJECT_ID = /^[0-9a-f]{24}$/;

/** A claim older than this was left by a writer that died between its two writes. */
export const CLAIM_STALE_MS = 10_000;
/** How long an update without `expectedVersion` keeps retrying while other writers win. */
const TRANSITION_DEADLINE_MS = 5000;

export function createMongooseAgentStore(connection: Connection): MongooseAgentStore {
  const Agents = agentModel(connection);
  const Claims = revisionClaimModel(connection);
  const liveById = (workspaceId: string, id: string) => ({
    _id: new mongoose.Types.ObjectId(id),
    workspaceId,
    deletedAt: null,
  });
  /**
   * Reads by `_id` alone and checks `deletedAt` here: FerretDB 1.x hands SQLite a filter that is
   * exactly `{ _id }` and scans the whole collection for anything more (~10× slower at 20,000
   * agents). MongoDB uses the `_id` index either way. The workspace is checked here for the same
   * reason: another workspace's agent is answered exactly as a missing one.
   */
  const readLive = async (workspaceId: string, id: string) => {
    const doc = await Agents.findOne({ _id: new mongoose.Types.ObjectId(id) })
      .lean<AgentDocument>()
      .exec();
    return doc && doc.deletedAt == null && doc.workspaceId === workspaceId ? doc : null;
  };

  /** Inserts the claim on `<id>:<version>`; false when another writer holds it. */
  const claim = async (key: string): Promise<boolean> => {
    try {
      await Claims.create({ _id: key, at: new Date() });
      return true;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 11000) throw error;
    }
    // A claim left behind by a crash must not block the agent forever.
    const existing = await Claims.findById(key).lean<RevisionClaimDocument>().exec();
    if (existing && Date.now() - existing.at.getTime() > CLAIM_STALE_MS) {
      await Claims.deleteOne({ _id: key, at: existing.at }).exec();
      return claim(key);
    }
    return false;
  };
  const release = (key: string) => Claims.deleteOne({ _id: key }).exec();

  /**
   * Moves a live agent from version `from` to `from + 1` with `set` applied. With
   * `expectedVersion` there is no read: the claim and the conditional update decide. Without it,
   * the current version is read and the transition retried if another writer gets there first.
   */
  const transition = async (
    workspaceId: string,
    id: string,
    expectedVersion: number | undefined,
    set: Record<string, unknown>,
  ): Promise<AgentUpdateOutcome> => {
    const deadline = Date.now() + TRANSITION_DEADLINE_MS;
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      let from = expectedVersion;
      if (from === undefined) {
        const current = await readLive(workspaceId, id);
        if (!current) return { status: 'not_found' };
        from = current.version;
      }
      const key = `${id}:${from + 1}`;
      if (await claim(key)) {
        try {
          const doc = await Agents.findOneAndUpdate(
            { ...liveById(workspaceId, id), version: from },
            { $set: { ...set, version: from + 1 } },
            { returnDocument: 'after' },
          )
            .lean<AgentDocument>()
            .exec();
          if (doc) return { status: 'updated', agent: toAgentRecord(doc) };
        } finally {
          await release(key);
        }
      }
      if (expectedVersion !== undefined) {
        // The write already lost; this read only explains why.
        const current = await readLive(workspaceId, id);
        return current
          ? { status: 'conflict', currentVersion: current.version }
          : { status: 'not_found' };
      }
      // Jittered so that writers who lost together do not collide again.
      const backoff = Math.min(2 ** attempt, 50) * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, backoff));
    }
    throw new ConflictError('The agent is being changed by many writers at once; try again');
  };

  return {
    ensureIndexes: () =>
      translate(async () => {
        await Agents.createCollection().catch(ignoreAlreadyExists);
        await Claims.createCollection().catch(ignoreAlreadyExists);
        await Agents.createIndexes();
        await dropIndexes(Agents.collection, OBSOLETE_AGENT_INDEXES);
      }),

    adoptUnowned: (workspaceId) => translate(() => adoptUnowned(Agents.collection, workspaceId)),

    list: (workspaceId, { limit, after, nameContains }: AgentListQuery) =>
      translate(async () => {
        const filter: mongoose.QueryFilter<AgentDocument> = { workspaceId, deletedAt: null };
        if (nameContains) filter.name = { $regex: escapeRegex(nameContains), $options: 'i' };
        if (after) {
          const afterId = new mongoose.Types.ObjectId(after.id);
          filter.$or = [
            { createdAt: { $lt: after.createdAt } },
            { createdAt: after.createdAt, _id: { $lt: afterId } },
          ];
        }
        const docs = await Agents.find(filter)
          .sort({ createdAt: -1, _id: -1 })
          .limit(limit)
          .lean<AgentDocument[]>()
          .exec();
        return docs.map(toAgentRecord);
      }),

    get: (workspaceId, id) =>
      translate(async () => {
        const doc = await readLive(workspaceId, id);
        return doc ? toAgentRecord(doc) : null;
      }),

    namesByIds: (workspaceId, ids) =>
      translate(async () => {
        // An id that is not an ObjectId names no agent (and would make the driver throw).
        const objectIds = [...new Set(ids)]
          .filter((id) => OBJECT_ID.test(id))
          .map((id) => new mongoose.Types.ObjectId(id));
        if (objectIds.length === 0) return new Map<string, string>();
        const docs = await Agents.find({ _id: { $in: objectIds }, workspaceId }, { name: 1 })
          .lean<Pick<AgentDocument, '_id' | 'name'>[]>()
          .exec();
        return new Map(docs.map((doc) => [doc._id.toHexString(), doc.name]));
      }),

    create: (workspaceId, input) =>
      translate(async () => {
        const doc = await Agents.create({ ...input, workspaceId, version: 1, deletedAt: null });
        return toAgentRecord(doc.toObject<AgentDocument>());
      }),

    update: (workspaceId, id, patch: AgentRecordPatch, expectedVersion) =>
      translate(() => {
        const set: Record<string, unknown> = {};
        if (patch.name !== undefined) set.name = patch.name;
        if (patch.description !== undefined) set.description = patch.description;
        if (patch.config !== undefined) set.config = patch.config;
        return transition(workspaceId, id, expectedVersion, set);
      }),

    softDelete: (workspaceId, id, at) =>
      translate(async () => {
        const outcome = await transition(workspaceId, id, undefined, { deletedAt: at });
        return outcome.status === 'updated' ? outcome.agent : null;
      }),

    ping: () => translate(() => pingDatabase(connection)),
  };
}

/** Resolves when the database answers; ServiceUnavailableError at once while not connected. */
export async function pingDatabase(connection: Connection): Promise<void> {
  const db = connection.db;
  if (!db || connection.readyState !== mongoose.ConnectionStates.connected) {
    throw new ServiceUnavailableError(DATABASE_UNAVAILABLE, DATABASE_DOWN);
  }
  await db.admin().ping();
}

/** Literal text for `$regex`: the user's query is never interpreted as a pattern. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Indexes of earlier versions that no query uses any more (they did not lead with workspaceId). */
const OBSOLETE_AGENT_INDEXES = ['live_newest_first'];

/**
 * Gives documents written before workspaces existed (no `workspaceId`) to `workspaceId`; their
 * `updatedAt` stays. Returns how many. A scan, once per start: it finds nothing after the first.
 */
export async function adoptUnowned(
  collection: {
    updateMany(
      filter: { workspaceId: { $exists: false } },
      update: { $set: { workspaceId: string } },
    ): Promise<{ modifiedCount: number }>;
  },
  workspaceId: string,
): Promise<number> {
  const result = await collection.updateMany(
    { workspaceId: { $exists: false } },
    { $set: { workspaceId } },
  );
  return result.modifiedCount;
}

/** Drops the named indexes if they exist: an index no query uses only slows writes. */
export async function dropIndexes(
  collection: {
    indexExists(name: string): Promise<boolean>;
    dropIndex(name: string): Promise<unknown>;
  },
  names: readonly string[],
): Promise<void> {
  for (const name of names) {
    if (await collection.indexExists(name)) await collection.dropIndex(name);
  }
}

export function ignoreAlreadyExists(error: unknown): void {
  if ((error as { codeName?: string }).codeName === 'NamespaceExists') return;
  if ((error as { code?: number }).code === 48) return;
  throw error;
}

const OUTAGE_ERROR_NAMES = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'PoolClosedError',
  'PoolClearedError',
  'PoolClearedOnNetworkError',
]);

/** Driver failures become AppErrors: an outage is a quick SERVICE_UNAVAILABLE, 11000 a CONFLICT. */
export async function translate<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof ServiceUnavailableError) throw error;
    if ((error as { code?: unknown }).code === 11000) {
      throw new ConflictError('A document with the same key already exists', { cause: error });
    }
    if (isOutage(error))
      throw new ServiceUnavailableError(DATABASE_UNAVAILABLE, { ...DATABASE_DOWN, cause: error });
    throw error;
  }
}

function isOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (OUTAGE_ERROR_NAMES.has(error.name)) return true;
  // With bufferCommands off, Mongoose refuses operations while it is not connected.
  if (
    error.name === 'MongooseError' &&
    /initial connection|not connected|client was closed/i.test(error.message)
  )
    return true;
  const labels = (error as { errorLabels?: unknown }).errorLabels;
  return Array.isArray(labels) && labels.includes('ResetPool');
}
