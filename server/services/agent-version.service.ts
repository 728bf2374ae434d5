import {
  type AgentDeleteVersionOutput,
  type AgentDiff,
  type AgentPublishData,
  type AgentPublishOutput,
  type AgentRestoreData,
  type AgentRestoreOutput,
  type AgentVersion,
  type AgentVersions,
  type AgentVersionsQuery,
  type AgentVersionSummary,
  type VersionAuthor,
  type VersionSelector,
} from '../../shared/agent-version.schema.ts';
import { diffConfigs } from '../../shared/config-diff.ts';
import { ConflictError, invalidInput, NotFoundError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { AgentRecord } from '../ports/agent-store.port.ts';
import type { AgentReferences } from '../ports/agent-references.port.ts';
import type { Actor } from '../ports/audit-store.port.ts';
import type {
  AgentVersionRecord,
  AgentVersionStore,
  NewAgentVersionRecord,
} from '../ports/agent-version-store.port.ts';
import type { AgentService } from './agent.service.ts';
import { configHash } from './session.service.ts';

/** Who a change is made by when no caller is known (start-up migration, tests). */
export const SYSTEM_AUTHOR: VersionAuthor = { kind: 'system', id: 'switchboard' };

/**
 * The agent's draft and its published versions. The draft is the agent's saved config (`agents.update`
 * edits it under optimistic concurrency); publishing copies it into an immutable version `vN`. A
 * new agent's version 1 is published when the agent is created, and an agent stored before versions
 * existed gets its current config as version 1 the first time anything reads its versions (that
config is what its calls were using, so nothing changes for a caller).
 *
 * Without transactions, a publish is ONE single-document insert: the version, under the unique key
 * `<workspaceId>:<agentId>:v<N>` (see AgentVersionStore). Racing publishers cannot share a number, a failed
 * insert stores nothing, and nothing else has to be written for the version to be the published
 * one: "published" is the highest-numbered version, read from the versions themselves.
 */
export interface AgentVersionService {
  publish(
    workspaceId: string,
    input: AgentPublishData,
    author?: VersionAuthor,
  ): Promise<AgentPublishOutput>;
  list(workspaceId: string, input: AgentVersionsQuery): Promise<AgentVersions>;
  get(workspaceId: string, agentId: string, version: number): Promise<AgentVersion>;
  /** The published version (the latest): what calls and numbers following "published" run. */
  published(workspaceId: string, agentId: string): Promise<AgentVersion>;
  diff(
    workspaceId: string,
    input: { agentId: string; from: VersionSelector; to: VersionSelector },
  ): Promise<AgentDiff>;
  restore(
    workspaceId: string,
    input: AgentRestoreData,
    author?: VersionAuthor,
  ): Promise<AgentRestoreOutput>;
  /**
   * Deletes a version: it leaves the history and can no longer be read, pinned or run; its number
   * is never reused. CONFLICT for the published version and for a version numbers are pinned to.
   */
  deleteVersion(
    workspaceId: string,
    input: { agentId: string; version: number },
    /** Who the audit log records (audit-recorders.ts). */
    by?: Actor,
  ): Promise<AgentDeleteVersionOutput>;
  /** Publishes a just-created agent's config as its version 1. */
  publishFirst(workspaceId: string, agent: AgentRecord, author?: VersionAuthor): Promise<void>;
  /**
   * Makes sure an agent stored before versions has its version 1 (its config as its calls run
   * it): called before its draft is first changed, so that change is not what becomes "published".
   */
  ensurePublished(workspaceId: string, agent: AgentRecord): Promise<void>;
  /**
   * Registers a listener for new versions (not `unchanged` publishes): phone numbers following
   * "published" re-sync their dispatch rules. A listener's failure is logged, never the publish's.
   */
  onPublished(listener: AgentPublishedListener): () => void;
}

export type AgentPublishedListener = (event: {
  workspaceId: string;
  agentId: string;
  version: number;
}) => Promise<void> | void;

export function createAgentVersionService({
  versions,
  agents,
  references,
  now = () => new Date(),
  logger,
}: {
  versions: AgentVersionStore;
  agents: Pick<AgentService, 'getRecord' | 'update'>;
  /** Which numbers are pinned to a version: such a version cannot be deleted. */
  references?: Pick<AgentReferences, 'numbersPinnedToVersion'>;
  now?: () => Date;
  logger?: Logger;
}): AgentVersionService {
  const listeners = new Set<AgentPublishedListener>();
  const notifyPublished = async (event: Parameters<AgentPublishedListener>[0]) => {
    for (const listener of listeners) {
      try {
        await listener(event);
      } catch (error) {
        logger?.error('a listener for new agent versions failed', { ...event, error });
      }
    }
  };

  const firstVersionOf = (agent: AgentRecord, author: VersionAuthor): NewAgentVersionRecord => ({
    config: agent.config,
    configHash: configHash(agent.config),
    restoredFrom: null,
    note: null,
    publishedBy: author,
    publishedAt: now(),
  });

  /** Version 1, made from the agent's config for an agent stored before versions (idempotent). */
  const firstRecord = (workspaceId: string, agent: AgentRecord) =>
    versions.ensureFirst(workspaceId, agent.id, firstVersionOf(agent, SYSTEM_AUTHOR));

  /** The published version; an agent stored before versions gets its config as version 1 here. */
  const publishedRecord = async (workspaceId: string, agent: AgentRecord) =>
    (await versions.latest(workspaceId, agent.id)) ?? firstRecord(workspaceId, agent);

  const versionRecord = async (workspaceId: string, agent: AgentRecord, version: number) => {
    const found =
      (await versions.get(workspaceId, agent.id, version)) ??
      // Version 1 of an agent stored before versions exists once anything asks for it (an agent
      // with a latest version has had its version 1: it may be deleted).
      (version === 1 && !(await versions.latest(workspaceId, agent.id))
        ? await firstRecord(workspaceId, agent)
        : null);
    if (!found) throw versionNotFound(agent.id, version);
    return found;
  };

  const publishConfig = async (
    workspaceId: string,
    agent: AgentRecord,
    extra: { note: string | null; restoredFrom: number | null },
    author: VersionAuthor,
  ): Promise<AgentPublishOutput> => {
    await publishedRecord(workspaceId, agent);
    const outcome = await versions.append(workspaceId, agent.id, {
      config: agent.config,
      configHash: configHash(agent.config),
      ...extra,
      publishedBy: author,
      publishedAt: now(),
    });
    if (outcome.status === 'unchanged') {
      return { status: 'unchanged', version: toSummary(outcome.latest) };
    }
    logger?.info('agent version published', {
      agentId: agent.id,
      version: outcome.version.version,
    });
    await notifyPublished({ workspaceId, agentId: agent.id, version: outcome.version.version });
    return { status: 'published', version: toSummary(outcome.version) };
  };

  const side = async (workspaceId: string, agent: AgentRecord, selector: VersionSelector) => {
    if (selector === 'draft') {
      return {
        meta: { version: null, draft: true, configHash: configHash(agent.config) },
        config: agent.config,
      };
    }
    const record =
      selector === 'published'
        ? await publishedRecord(workspaceId, agent)
        : await versionRecord(workspaceId, agent, selector);
    return {
      meta: { version: record.version, draft: false, configHash: record.configHash },
      config: record.config,
    };
  };

  return {
    async publish(workspaceId, { agentId, expectedVersion, note }, author = SYSTEM_AUTHOR) {
      const agent = await agents.getRecord(workspaceId, agentId);
      if (expectedVersion !== undefined && agent.version !== expectedVersion) {
        throw draftChanged(agentId, expectedVersion, agent.version);
      }
      return publishConfig(workspaceId, agent, { note: note || null, restoredFrom: null }, author);
    },

    async list(workspaceId, { agentId, limit, cursor }) {
      const agent = await agents.getRecord(workspaceId, agentId);
      const beforeVersion = cursor ? decodeVersionCursor(cursor) : undefined;
      const rows = await versions.list(workspaceId, agentId, {
        limit: limit + 1,
        ...(beforeVersion !== undefined && { beforeVersion }),
      });
      // The first page of an agent stored before versions: its version 1, made now.
      if (rows.length === 0 && beforeVersion === undefined) {
        rows.push(await firstRecord(workspaceId, agent));
      }
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return {
        items: items.map(toSummary),
        nextCursor: rows.length > limit && last ? encodeVersionCursor(last.version) : null,
      };
    },

    async get(workspaceId, agentId, version) {
      const agent = await agents.getRecord(workspaceId, agentId);
      return toVersion(await versionRecord(workspaceId, agent, version));
    },

    async published(workspaceId, agentId) {
      const agent = await agents.getRecord(workspaceId, agentId);
      return toVersion(await publishedRecord(workspaceId, agent));
    },

    async diff(workspaceId, { agentId, from, to }) {
      const agent = await agents.getRecord(workspaceId, agentId);
      const [before, after] = [
        await side(workspaceId, agent, from),
        await side(workspaceId, agent, to),
      ];
      return {
        from: before.meta,
        to: after.meta,
        changes: diffConfigs(before.config, after.config).map((change) => {
          const { segments: _segments, ...rest } = change;
          return rest;
        }),
      };
    },

    async restore(
      workspaceId,
      { agentId, version, publish, expectedVersion, note },
      author = SYSTEM_AUTHOR,
    ) {
      const agent = await agents.getRecord(workspaceId, agentId);
      const source = await versionRecord(workspaceId, agent, version);
      // The draft becomes the old version's config, under the same optimistic concurrency as an
      // edit: a draft changed since the caller looked is not overwritten.
      const restored = await agents.update(workspaceId, {
        agentId,
        expectedVersion: expectedVersion ?? agent.version,
        config: source.config,
      });
      if (!publish) return { agent: restored, published: null };
      // What is published is the old version's config itself, not the draft read again: a save
      // landing in between must not be published under `restoredFrom`.
      return {
        agent: restored,
        published: await publishConfig(
          workspaceId,
          { ...agent, config: source.config },
          { note: note || null, restoredFrom: version },
          author,
        ),
      };
    },

    /**
     * Without transactions, against a racing pin (telephony-routes.ts) each side writes, then looks
     * at the other: this delete hides the version and then looks for numbers pinned to it (undoing
     * itself when it finds one); a pin saves the route and then reads the version (undoing itself
     * when it is gone). Whichever looks second sees the other's write, so a number never ends up
     * pinned to a deleted version; at worst both are refused, and the user tries again.
     */
    async deleteVersion(workspaceId, { agentId, version }) {
      const agent = await agents.getRecord(workspaceId, agentId);
      await versionRecord(workspaceId, agent, version);
      const latest = await publishedRecord(workspaceId, agent);
      if (latest.version === version) throw versionPublished(agentId, version);
      const pinnedNumbers = async () =>
        (await references?.numbersPinnedToVersion(workspaceId, agentId, version)) ?? [];
      const before = await pinnedNumbers();
      if (before.length > 0) throw versionPinned(agentId, version, before);
      const at = now();
      if (!(await versions.markDeleted(workspaceId, agentId, version, at))) {
        throw versionNotFound(agentId, version);
      }
      const after = await pinnedNumbers();
      if (after.length > 0) {
        await versions.unmarkDeleted(workspaceId, agentId, version);
        throw versionPinned(agentId, version, after);
      }
      logger?.info('agent version deleted', { agentId, version });
      return { agentId, version, deletedAt: at.toISOString() };
    },

    async publishFirst(workspaceId, agent, author = SYSTEM_AUTHOR) {
      await versions.ensureFirst(workspaceId, agent.id, firstVersionOf(agent, author));
    },

    async ensurePublished(workspaceId, agent) {
      await publishedRecord(workspaceId, agent);
    },

    onPublished(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function toSummary(record: AgentVersionRecord): AgentVersionSummary {
  return {
    agentId: record.agentId,
    version: record.version,
    configHash: record.configHash,
    parentVersion: record.parentVersion,
    restoredFrom: record.restoredFrom,
    note: record.note,
    publishedBy: record.publishedBy,
    publishedAt: record.publishedAt.toISOString(),
  };
}

function toVersion(record: AgentVersionRecord): AgentVersion {
  return { ...toSummary(record), config: record.config };
}

export function versionNotFound(agentId: string, version: number): NotFoundError {
  return new NotFoundError(`Agent ${agentId} has no version ${version}`, {
    details: { reason: 'not-found', resource: 'agent-version', id: `${agentId}:v${version}` },
  });
}

function versionPinned(agentId: string, version: number, numbers: string[]): ConflictError {
  const list = numbers.join(', ');
  return new ConflictError(
    `Version ${version} runs the calls to ${list}: pin ${numbers.length === 1 ? 'that number' : 'those numbers'} to another version (or to "published") first.`,
    {
      issues: [{ path: ['version'], message: `Pinned by ${list}` }],
      details: { reason: 'version-pinned', agentId, version, numbers },
    },
  );
}

function versionPublished(agentId: string, version: number): ConflictError {
  return new ConflictError(
    `Version ${version} is the published version: publish or restore another version first.`,
    {
      issues: [{ path: ['version'], message: 'The published version cannot be deleted' }],
      details: { reason: 'version-published', agentId, version, numbers: [] },
    },
  );
}

function draftChanged(agentId: string, expected: number, current: number): ConflictError {
  return new ConflictError(
    `The draft of agent ${agentId} changed since you reviewed it (version ${expected}, now ${current}). Review it again, then publish.`,
    {
      issues: [{ path: ['expectedVersion'], message: 'Changed elsewhere since you loaded it' }],
      details: {
        reason: 'version-conflict',
        agentId,
        expectedVersion: expected,
        currentVersion: current,
      },
    },
  );
}

/** Opaque to clients: base64url of `v<number>`. */
function encodeVersionCursor(version: number): string {
  return Buffer.from(`v${version}`).toString('base64url');
}

function decodeVersionCursor(cursor: string): number {
  const match = /^v(\d{1,7})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match?.[1]) {
    throw invalidInput(['cursor'], 'not a cursor this server issued; start again without one');
  }
  return Number(match[1]);
}
