import { randomBytes } from 'node:crypto';
import type {
  AgentListQuery,
  AgentPosition,
  AgentRecord,
  AgentStore,
} from '../../ports/agent-store.port.ts';

/**
 * The embedded default and the fast-test store. Same observable behaviour as the Mongoose adapter
 * (the contract suite runs on both); records are cloned in and out so callers never share state.
 */
export function createMemoryAgentStore(options: { now?: () => Date } = {}): AgentStore {
  const now = options.now ?? (() => new Date());
  const agents = new Map<string, AgentRecord>();
  const newId = createObjectIdGenerator();

  const live = (workspaceId: string, id: string) => {
    const agent = agents.get(id);
    return agent && agent.workspaceId === workspaceId && agent.deletedAt === null
      ? agent
      : undefined;
  };

  return {
    async list(workspaceId, { limit, after, nameContains }: AgentListQuery) {
      const needle = nameContains?.toLowerCase();
      return [...agents.values()]
        .filter((agent) => agent.workspaceId === workspaceId && agent.deletedAt === null)
        .filter((agent) => !needle || agent.name.toLowerCase().includes(needle))
        .filter((agent) => !after || isAfter(agent, after))
        .sort(newestFirst)
        .slice(0, limit)
        .map(clone);
    },

    async get(workspaceId, id) {
      const agent = live(workspaceId, id);
      return agent ? clone(agent) : null;
    },

    async namesByIds(workspaceId, ids) {
      const names = new Map<string, string>();
      for (const id of ids) {
        const agent = agents.get(id);
        if (agent?.workspaceId === workspaceId) names.set(id, agent.name);
      }
      return names;
    },

    async create(workspaceId, input) {
      const at = now();
      const agent: AgentRecord = {
        id: newId(at),
        workspaceId,
        name: input.name,
        description: input.description,
        config: structuredClone(input.config),
        version: 1,
        createdAt: at,
        updatedAt: at,
        deletedAt: null,
      };
      agents.set(agent.id, agent);
      return clone(agent);
    },

    async update(workspaceId, id, patch, expectedVersion) {
      // No await between the check and the write: the same atomicity as one conditional update.
      const agent = live(workspaceId, id);
      if (!agent) return { status: 'not_found' };
      if (expectedVersion !== undefined && agent.version !== expectedVersion) {
        return { status: 'conflict', currentVersion: agent.version };
      }
      const updated: AgentRecord = {
        ...agent,
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.description !== undefined && { description: patch.description }),
        ...(patch.config !== undefined && { config: structuredClone(patch.config) }),
        version: agent.version + 1,
        updatedAt: now(),
      };
      agents.set(id, updated);
      return { status: 'updated', agent: clone(updated) };
    },

    async softDelete(workspaceId, id, at) {
      const agent = live(workspaceId, id);
      if (!agent) return null;
      const deleted = { ...agent, deletedAt: at, updatedAt: at };
      agents.set(id, deleted);
      return clone(deleted);
    },

    async ping() {},
  };
}

function clone(agent: AgentRecord): AgentRecord {
  return structuredClone(agent);
}

function newestFirst(a: AgentRecord, b: AgentRecord): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

function isAfter(agent: AgentRecord, position: AgentPosition): boolean {
  const time = agent.createdAt.getTime();
  const at = position.createdAt.getTime();
  return time < at || (time === at && agent.id < position.id);
}

/** Mongo-shaped ids (4-byte seconds, 5 random bytes, 3-byte counter) without importing a driver. */
export function createObjectIdGenerator(): (at: Date) => string {
  const processPart = randomBytes(5).toString('hex');
  let counter = randomBytes(3).readUIntBE(0, 3);
  return (at) => {
    counter = (counter + 1) % 0x1000000;
    const seconds = Math.floor(at.getTime() / 1000)
      .toString(16)
      .padStart(8, '0');
    return `${seconds}${processPart}${counter.toString(16).padStart(6, '0')}`;
  };
}
