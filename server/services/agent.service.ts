import type {
  Agent,
  AgentCreateData,
  AgentDeleted,
  AgentList,
  AgentListQuery,
  AgentUpdateData,
} from '../../shared/agent.schema.ts';
import type { VersionAuthor } from '../../shared/agent-version.schema.ts';
import { ConflictError, invalidInput, NotFoundError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { AgentReferences } from '../ports/agent-references.port.ts';
import type { AgentPosition, AgentRecord, AgentStore } from '../ports/agent-store.port.ts';
import type { Actor } from '../ports/audit-store.port.ts';
import { changesBetween, type AuditLog } from './audit.service.ts';

/**
 * Inputs arrive parsed by the router's shared schemas (ids lower case, names normalised). Every
 * method works inside the workspace given first (the caller's): another workspace's agent is
 * NOT_FOUND, exactly like a missing one.
 */
export interface AgentService {
  list(workspaceId: string, input: AgentListQuery): Promise<AgentList>;
  get(workspaceId: string, agentId: string): Promise<Agent>;
  /**
   * Creates the agent; `by` is who its version 1 is published by (see `afterCreate`) and who the
   * audit log records.
   */
  create(workspaceId: string, input: AgentCreateData, by?: Actor): Promise<Agent>;
  /**
   * Records `agent.update` (the diff) when `by` is given; without it the update is part of a
   * change its caller records (a restore records `agent.restore`).
   */
  update(workspaceId: string, input: AgentUpdateData, by?: Actor): Promise<Agent>;
  delete(workspaceId: string, agentId: string, by?: Actor): Promise<AgentDeleted>;
  /** The stored record (Dates, not strings), for other services such as the config resolver. */
  getRecord(workspaceId: string, agentId: string): Promise<AgentRecord>;
  /**
   * Agents' names by id in one store query, deleted agents included, for other services that show
   * which agent something points at; ids no agent has are left out.
   */
  namesByIds(workspaceId: string, agentIds: readonly string[]): Promise<Map<string, string>>;
}

/**
 * The rules of agents: defaults, soft delete, optimistic concurrency and keyset paging with an
 * opaque cursor. Input validation (the shared schemas) happened once, in the router.
 */
export function createAgentService({
  store,
  now = () => new Date(),
  references,
  afterCreate,
  beforeConfigChange,
  audit,
  logger,
}: {
  store: AgentStore;
  now?: () => Date;
  /** What else points at agents: deleting an agent something still uses is a CONFLICT. */
  references?: AgentReferences;
  /**
   * Runs after an agent is stored (publishing its version 1). A failure is logged, not thrown: the
   * agent exists, and an agent without versions gets version 1 the first time one is read.
   */
  afterCreate?: (workspaceId: string, agent: AgentRecord, author?: VersionAuthor) => Promise<void>;
  /**
   * Runs before a config change is stored: an agent stored before versions gets its current
   * config published as version 1 first, so what its calls run stays what it was.
   */
  beforeConfigChange?: (workspaceId: string, agent: AgentRecord) => Promise<void>;
  /** Where changes are recorded (after they succeed). */
  audit?: AuditLog;
  logger?: Logger;
}): AgentService {
  /** `agent.update` with the diff; `version` says which stored versions it is between. */
  const recordUpdate = async (
    workspaceId: string,
    by: Actor,
    before: AgentRecord | null,
    after: AgentRecord,
  ) => {
    const parts = ({ name, description, config }: AgentRecord) => ({ name, description, config });
    await audit?.record(workspaceId, by, {
      action: 'agent.update',
      target: { type: 'agent', id: after.id, name: after.name },
      agentId: after.id,
      changes: before ? changesBetween(parts(before), parts(after)) : [],
      details: { version: { from: before?.version ?? null, to: after.version } },
    });
  };

  const getRecord = async (workspaceId: string, id: string) => {
    const record = await store.get(workspaceId, id);
    if (!record) throw agentNotFound(id);
    return record;
  };

  return {
    async list(workspaceId, input) {
      const after = input.cursor ? decodeCursor(input.cursor) : undefined;
      // One extra row tells whether another page exists without a count query.
      const rows = await store.list(workspaceId, {
        limit: input.limit + 1,
        ...(after && { after }),
        ...(input.query && { nameContains: input.query }),
      });
      const items = rows.slice(0, input.limit);
      const last = items.at(-1);
      return {
        items: items.map(toAgent),
        nextCursor: rows.length > input.limit && last ? encodeCursor(last) : null,
      };
    },

    async get(workspaceId, agentId) {
      return toAgent(await getRecord(workspaceId, agentId));
    },

    getRecord,

    namesByIds(workspaceId, agentIds) {
      return store.namesByIds(workspaceId, agentIds);
    },

    async create(workspaceId, input, by) {
      const record = await store.create(workspaceId, {
        name: input.name,
        description: input.description ?? '',
        config: input.config ?? {},
      });
      const author = by && { kind: by.kind, id: by.id };
      await afterCreate?.(workspaceId, record, author).catch((error: unknown) => {
        logger?.error("publishing a new agent's version 1 failed", { agentId: record.id, error });
      });
      await audit?.record(workspaceId, by, {
        action: 'agent.create',
        target: { type: 'agent', id: record.id, name: record.name },
        agentId: record.id,
      });
      return toAgent(record);
    },

    async update(workspaceId, { agentId, expectedVersion, ...patch }, by) {
      const changesConfig = patch.config !== undefined && beforeConfigChange !== undefined;
      // One read, before the write, for the config hook and the audit log's diff (versions tell
      // whether another write came between). A missing agent is the update's NOT_FOUND below.
      const before = changesConfig || (audit && by) ? await store.get(workspaceId, agentId) : null;
      if (changesConfig && before) await beforeConfigChange(workspaceId, before);
      const outcome = await store.update(workspaceId, agentId, patch, expectedVersion);
      switch (outcome.status) {
        case 'updated': {
          if (by) await recordUpdate(workspaceId, by, before, outcome.agent);
          return toAgent(outcome.agent);
        }
        case 'not_found':
          throw agentNotFound(agentId);
        case 'conflict':
          throw new ConflictError(
            outcome.currentVersion === expectedVersion
              ? `Agent ${agentId} is being changed elsewhere right now. Reload it and apply your change again.`
              : `Agent ${agentId} was changed elsewhere: expected version ${expectedVersion}, it is now version ${outcome.currentVersion}. Reload it and apply your change again.`,
            {
              issues: [
                { path: ['expectedVersion'], message: 'Changed elsewhere since you loaded it' },
              ],
              details: {
                reason: 'version-conflict',
                agentId,
                expectedVersion: expectedVersion ?? outcome.currentVersion,
                currentVersion: outcome.currentVersion,
              },
            },
          );
      }
    },

    async delete(workspaceId, id, by) {
      const numbers = (await references?.liveNumbersForAgent(workspaceId, id)) ?? [];
      if (numbers.length > 0) {
        const agent = await store.get(workspaceId, id);
        const who = agent ? `“${agent.name}”` : `Agent ${id}`;
        const these = numbers.length === 1 ? 'that number' : 'those numbers';
        throw new ConflictError(
          `${who} still answers ${numbers.join(', ')}: delete ${these} or point ${numbers.length === 1 ? 'it' : 'them'} at another agent first`,
          {
            details: {
              reason: 'agent-in-use',
              agentId: id,
              agentName: agent?.name ?? null,
              numbers,
            },
          },
        );
      }
      const deleted = await store.softDelete(workspaceId, id, now());
      if (!deleted?.deletedAt) throw agentNotFound(id);
      await audit?.record(workspaceId, by, {
        action: 'agent.delete',
        target: { type: 'agent', id, name: deleted.name },
        agentId: id,
      });
      return { id: deleted.id, deletedAt: deleted.deletedAt.toISOString() };
    },
  };
}

export function agentNotFound(id: string): NotFoundError {
  return new NotFoundError(`Agent ${id} was not found (it may have been deleted)`, {
    details: { reason: 'not-found', resource: 'agent', id },
  });
}

export function toAgent(record: AgentRecord): Agent {
  return {
    id: record.id,
    name: record.name,
    description: record.description,
    config: record.config,
    version: record.version,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    ...(record.deletedAt && { deletedAt: record.deletedAt.toISOString() }),
  };
}

/** Opaque to clients: base64url of `<createdAt ms>.<id>`. */
export function encodeCursor(position: AgentPosition): string {
  return Buffer.from(`${position.createdAt.getTime()}.${position.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): AgentPosition {
  const match = /^(\d{1,15})\.([0-9a-f]{24})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match?.[1] || !match[2]) {
    throw invalidInput(['cursor'], 'not a cursor this server issued; start again without one');
  }
  return { createdAt: new Date(Number(match[1])), id: match[2] };
}
