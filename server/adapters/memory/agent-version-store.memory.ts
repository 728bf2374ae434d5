import type {
  AgentVersionRecord,
  AgentVersionStore,
  NewAgentVersionRecord,
} from '../../ports/agent-version-store.port.ts';

/**
 * The embedded default and the fast-test store. Same observable behaviour as the Mongoose adapter
 * (the contract suite runs on both); records are cloned in and out so callers never share state.
 */
export function createMemoryAgentVersionStore(): AgentVersionStore {
  /** `<workspaceId>/<agentId>` → versions, oldest first (deleted ones too: numbers stay taken). */
  const byAgent = new Map<string, AgentVersionRecord[]>();
  /** `<workspaceId>/<agentId>/<version>` of deleted versions. */
  const deleted = new Set<string>();
  const deletedKey = (workspaceId: string, agentId: string, version: number) =>
    `${workspaceId}/${agentId}/${version}`;
  const live = (workspaceId: string, agentId: string) =>
    (byAgent.get(`${workspaceId}/${agentId}`) ?? []).filter(
      (record) => !deleted.has(deletedKey(workspaceId, agentId, record.version)),
    );
  const versionsOf = (workspaceId: string, agentId: string) => {
    const key = `${workspaceId}/${agentId}`;
    let versions = byAgent.get(key);
    if (!versions) byAgent.set(key, (versions = []));
    return versions;
  };
  const store = (
    workspaceId: string,
    agentId: string,
    versions: AgentVersionRecord[],
    input: NewAgentVersionRecord,
  ) => {
    const latest = versions.at(-1);
    const record: AgentVersionRecord = {
      ...structuredClone(input),
      workspaceId,
      agentId,
      version: (latest?.version ?? 0) + 1,
      parentVersion: latest?.version ?? null,
    };
    versions.push(record);
    return clone(record);
  };

  return {
    async append(workspaceId, agentId, input) {
      const versions = versionsOf(workspaceId, agentId);
      const latest = versions.at(-1);
      if (latest && latest.configHash === input.configHash) {
        return { status: 'unchanged', latest: clone(latest) };
      }
      return { status: 'created', version: store(workspaceId, agentId, versions, input) };
    },

    async ensureFirst(workspaceId, agentId, first) {
      const versions = versionsOf(workspaceId, agentId);
      const existing = versions[0];
      return existing ? clone(existing) : store(workspaceId, agentId, versions, first);
    },

    async latest(workspaceId, agentId) {
      const latest = live(workspaceId, agentId).at(-1);
      return latest ? clone(latest) : null;
    },

    async get(workspaceId, agentId, version) {
      const found = live(workspaceId, agentId).find((record) => record.version === version);
      return found ? clone(found) : null;
    },

    async markDeleted(workspaceId, agentId, version) {
      const exists = live(workspaceId, agentId).some((record) => record.version === version);
      if (!exists) return false;
      deleted.add(deletedKey(workspaceId, agentId, version));
      return true;
    },

    async unmarkDeleted(workspaceId, agentId, version) {
      deleted.delete(deletedKey(workspaceId, agentId, version));
    },

    async list(workspaceId, agentId, { limit, beforeVersion }) {
      return live(workspaceId, agentId)
        .filter((record) => beforeVersion === undefined || record.version < beforeVersion)
        .reverse()
        .slice(0, limit)
        .map(clone);
    },
  };
}

const clone = (record: AgentVersionRecord): AgentVersionRecord => structuredClone(record);
