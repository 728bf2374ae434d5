import type { Connection } from 'mongoose';
import type { AgentConfig } from '../../../shared/agent.schema.ts';
import type { VersionAuthor } from '../../../shared/agent-version.schema.ts';
import { BusyError } from '../../errors.ts';
import type {
  AgentVersionRecord,
  AgentVersionStore,
  NewAgentVersionRecord,
} from '../../ports/agent-version-store.port.ts';
import { ignoreAlreadyExists, translate } from './agent-store.mongoose.ts';
import { agentVersionModel, type AgentVersionDocument } from './agent-version.model.ts';
import { isDuplicateKey } from './did-route-store.mongoose.ts';

/** The explicit mapper from a lean document: nothing Mongoose-shaped leaves this file. */
export function toAgentVersionRecord(doc: AgentVersionDocument): AgentVersionRecord {
  return {
    workspaceId: doc.workspaceId,
    agentId: doc.agentId,
    version: doc.version,
    config: (doc.config ?? {}) as AgentConfig,
    configHash: doc.configHash,
    parentVersion: doc.parentVersion ?? null,
    restoredFrom: doc.restoredFrom ?? null,
    note: doc.note ?? null,
    publishedBy: {
      kind: doc.publishedBy.kind as VersionAuthor['kind'],
      id: doc.publishedBy.id,
    },
    publishedAt: doc.publishedAt,
  };
}

export interface MongooseAgentVersionStore extends AgentVersionStore {
  /** Creates the collection and the index `latest` and `list` use (idempotent). */
  ensureIndexes(): Promise<void>;
}

/**
 * Numbers lost to racing publishers in one append before it gives up. Each loss means another
 * publish of the same agent was stored meanwhile, so this is only reached by a flood of them.
 */
const MAX_CLAIM_ATTEMPTS = 100;

/** The version's `_id`, and its claim on the number: unique per workspace, agent and number. */
export const agentVersionId = (workspaceId: string, agentId: string, version: number): string =>
  `${workspaceId}:${agentId}:v${version}`;

/**
 * Versions in MongoDB / FerretDB without transactions: `append` reads the latest version, answers
 * `unchanged` when its configHash is the same, and otherwise inserts `_id` = the next number. A
 * duplicate key means a racing publisher stored that number first: read the latest again and try
 * the one after it. A failed insert stores nothing, so no number is shared or skipped.
 */
export function createMongooseAgentVersionStore(connection: Connection): MongooseAgentVersionStore {
  const Versions = agentVersionModel(connection);

  const readLatest = (workspaceId: string, agentId: string) =>
    // `deletedAt: null` also matches versions stored before deletes (no such field).
    Versions.findOne({ workspaceId, agentId, deletedAt: null })
      .sort({ version: -1 })
      .lean<AgentVersionDocument>()
      .exec();

  /**
   * By `_id` alone (FerretDB pushes only that down); the owner is checked here all the same. A
   * deleted version reads as missing.
   */
  const readVersion = async (workspaceId: string, agentId: string, version: number) => {
    const doc = await Versions.findOne({ _id: agentVersionId(workspaceId, agentId, version) })
      .lean<AgentVersionDocument>()
      .exec();
    return doc?.workspaceId === workspaceId && doc.agentId === agentId && !doc.deletedAt
      ? doc
      : null;
  };

  /** Inserts `input` as number `version`; null when a racing publisher holds that number. */
  const insert = async (
    workspaceId: string,
    agentId: string,
    version: number,
    input: NewAgentVersionRecord,
  ): Promise<AgentVersionRecord | null> => {
    const doc: AgentVersionDocument = {
      _id: agentVersionId(workspaceId, agentId, version),
      workspaceId,
      agentId,
      version,
      config: input.config,
      configHash: input.configHash,
      parentVersion: version === 1 ? null : version - 1,
      restoredFrom: input.restoredFrom,
      note: input.note,
      publishedBy: { kind: input.publishedBy.kind, id: input.publishedBy.id },
      publishedAt: input.publishedAt,
      deletedAt: null,
    };
    try {
      await Versions.create(doc);
    } catch (error) {
      if (isDuplicateKey(error)) return null;
      throw error;
    }
    // Mapped from what was written (not from `input`): the caller gets its own copy.
    return toAgentVersionRecord(structuredClone(doc));
  };

  return {
    ensureIndexes: () =>
      translate(async () => {
        await Versions.createCollection().catch(ignoreAlreadyExists);
        await Versions.createIndexes();
      }),

    append: (workspaceId, agentId, input) =>
      translate(async () => {
        for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
          const latest = await readLatest(workspaceId, agentId);
          if (latest && latest.configHash === input.configHash) {
            return { status: 'unchanged', latest: toAgentVersionRecord(latest) };
          }
          const stored = await insert(workspaceId, agentId, (latest?.version ?? 0) + 1, input);
          if (stored) return { status: 'created', version: stored };
        }
        throw new BusyError(
          'Too many versions of this agent are being published at once. Try again in a moment.',
          { details: { reason: 'publish-busy', agentId, retryAfterSeconds: 1 } },
        );
      }),

    ensureFirst: (workspaceId, agentId, first) =>
      translate(async () => {
        const stored = await insert(workspaceId, agentId, 1, first);
        if (stored) return stored;
        // Version 1 exists (stored earlier, or by a racing caller just now): that is the answer.
        const existing = await readVersion(workspaceId, agentId, 1);
        if (!existing) throw new Error(`agent version 1 of ${agentId} is claimed but unreadable`);
        return toAgentVersionRecord(existing);
      }),

    latest: (workspaceId, agentId) =>
      translate(async () => {
        const doc = await readLatest(workspaceId, agentId);
        return doc ? toAgentVersionRecord(doc) : null;
      }),

    get: (workspaceId, agentId, version) =>
      translate(async () => {
        if (!Number.isSafeInteger(version) || version < 1) return null;
        const doc = await readVersion(workspaceId, agentId, version);
        return doc ? toAgentVersionRecord(doc) : null;
      }),

    list: (workspaceId, agentId, { limit, beforeVersion }) =>
      translate(async () => {
        const docs = await Versions.find(
          beforeVersion === undefined
            ? { workspaceId, agentId, deletedAt: null }
            : { workspaceId, agentId, deletedAt: null, version: { $lt: beforeVersion } },
        )
          .sort({ version: -1 })
          .limit(limit)
          .lean<AgentVersionDocument[]>()
          .exec();
        return docs.map(toAgentVersionRecord);
      }),

    markDeleted: (workspaceId, agentId, version, at) =>
      translate(async () => {
        if (!(await readVersion(workspaceId, agentId, version))) return false;
        // By `_id` alone: it names the workspace and the agent. Two racing deletes both answer
        // true, which is what each asked for.
        await Versions.updateOne(
          { _id: agentVersionId(workspaceId, agentId, version) },
          { $set: { deletedAt: at } },
        ).exec();
        return true;
      }),

    unmarkDeleted: (workspaceId, agentId, version) =>
      translate(async () => {
        await Versions.updateOne(
          { _id: agentVersionId(workspaceId, agentId, version) },
          { $set: { deletedAt: null } },
        ).exec();
      }),
  };
}
