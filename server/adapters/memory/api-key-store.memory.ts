import { ConflictError } from '../../errors.ts';
import type { ApiKeyRecord, ApiKeyStore } from '../../ports/api-key-store.port.ts';
import { createObjectIdGenerator } from './agent-store.memory.ts';

/** API keys in memory: the embedded default and the fast-test store (same contract as Mongoose). */
export function createMemoryApiKeyStore(options: { now?: () => Date } = {}): ApiKeyStore {
  const now = options.now ?? (() => new Date());
  const newId = createObjectIdGenerator();
  const keys = new Map<string, ApiKeyRecord>();
  const clone = (key: ApiKeyRecord): ApiKeyRecord => ({
    ...key,
    scopes: [...key.scopes],
    origins: [...key.origins],
    agentIds: key.agentIds && [...key.agentIds],
  });

  return {
    async create(key) {
      if ([...keys.values()].some((existing) => existing.hash === key.hash)) {
        // As the unique index on `hash` answers in MongoDB (translate: 11000 → CONFLICT).
        throw new ConflictError('An API key with this hash already exists');
      }
      const record: ApiKeyRecord = {
        ...clone({ ...key, id: '', createdAt: now(), lastUsedAt: null, revokedAt: null }),
        id: newId(now()),
      };
      keys.set(record.id, record);
      return clone(record);
    },
    async findByHash(hash) {
      const found = [...keys.values()].find((key) => key.hash === hash);
      return found ? clone(found) : null;
    },
    async list(workspaceId, limit) {
      return [...keys.values()]
        .filter((key) => key.workspaceId === workspaceId)
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
        .slice(0, limit)
        .map(clone);
    },
    async revoke(workspaceId, id, at) {
      const key = keys.get(id);
      if (!key || key.workspaceId !== workspaceId || key.revokedAt !== null) return null;
      key.revokedAt = at;
      return clone(key);
    },
    async touch(id, at) {
      const key = keys.get(id);
      if (key) key.lastUsedAt = at;
    },
    async ping() {},
  };
}
