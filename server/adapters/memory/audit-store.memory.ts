import type { AuditPosition, AuditRecord, AuditStore } from '../../ports/audit-store.port.ts';
import { createObjectIdGenerator } from './agent-store.memory.ts';

/**
 * The embedded default and the fast-test store. Same observable behaviour as the Mongoose adapter
 * (the contract suite runs on both); entries are cloned in and out so callers never share state,
 * and nothing here changes or removes one.
 */
export function createMemoryAuditStore(): AuditStore {
  const entries: AuditRecord[] = [];
  const newId = createObjectIdGenerator();

  return {
    async append(workspaceId, entry) {
      const record: AuditRecord = {
        ...structuredClone(entry),
        id: newId(entry.at),
        workspaceId,
      };
      entries.push(record);
      return structuredClone(record);
    },

    async list(workspaceId, { limit, after, agentId, actorId }) {
      return entries
        .filter(
          (entry) =>
            entry.workspaceId === workspaceId &&
            (agentId === undefined || entry.agentId === agentId) &&
            (actorId === undefined || entry.actor.id === actorId) &&
            (after === undefined || isAfter(entry, after)),
        )
        .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
        .slice(0, limit)
        .map((entry) => structuredClone(entry));
    },
  };
}

function isAfter(entry: AuditRecord, position: AuditPosition): boolean {
  const time = entry.at.getTime();
  const at = position.at.getTime();
  return time < at || (time === at && entry.id < position.id);
}
