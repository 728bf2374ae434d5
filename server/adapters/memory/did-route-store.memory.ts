import type {
  DidRouteRecord,
  DidRouteStore,
  DidRouteListQuery,
} from '../../ports/did-route-store.port.ts';
import { createObjectIdGenerator } from './agent-store.memory.ts';

/**
 * Phone-number routes in memory: the embedded default and the fast-test store. Same observable
 * behaviour as the Mongoose adapter (the contract suite runs on both); records are cloned in and
 * out so callers never share state. No method awaits between its check and its write, which makes
 * "one live route per DID" as atomic here as the unique index makes it in MongoDB.
 */
export function createMemoryDidRouteStore(options: { now?: () => Date } = {}): DidRouteStore {
  const now = options.now ?? (() => new Date());
  const routes = new Map<string, DidRouteRecord>();
  const newId = createObjectIdGenerator();

  const live = (workspaceId: string, id: string) => {
    const route = routes.get(id);
    return route && route.workspaceId === workspaceId && route.deletedAt === null
      ? route
      : undefined;
  };
  const liveByDid = (did: string) =>
    [...routes.values()].find((route) => route.deletedAt === null && route.did === did);
  const byDid = (a: DidRouteRecord, b: DidRouteRecord) =>
    a.did < b.did ? -1 : a.did > b.did ? 1 : 0;

  return {
    async list(workspaceId, { limit, afterDid, agentId }: DidRouteListQuery) {
      return [...routes.values()]
        .filter((route) => route.workspaceId === workspaceId && route.deletedAt === null)
        .filter((route) => agentId === undefined || route.agentId === agentId)
        .filter((route) => afterDid === undefined || route.did > afterDid)
        .sort(byDid)
        .slice(0, limit)
        .map(clone);
    },

    async get(workspaceId, id) {
      const route = live(workspaceId, id);
      return route ? clone(route) : null;
    },

    async listAllLive({ limit, afterDid }) {
      return [...routes.values()]
        .filter((route) => route.deletedAt === null)
        .filter((route) => afterDid === undefined || route.did > afterDid)
        .sort(byDid)
        .slice(0, limit)
        .map(clone);
    },

    async getMany(ids) {
      return ids.flatMap((id) => {
        const route = routes.get(id);
        return route ? [clone(route)] : [];
      });
    },

    async findByDid(workspaceId, did) {
      const route = liveByDid(did);
      return route?.workspaceId === workspaceId ? clone(route) : null;
    },

    async findLiveByDid(did) {
      const route = liveByDid(did);
      return route ? clone(route) : null;
    },

    async listByAgent(workspaceId, agentId) {
      return [...routes.values()]
        .filter(
          (route) =>
            route.workspaceId === workspaceId &&
            route.deletedAt === null &&
            route.agentId === agentId,
        )
        .sort(byDid)
        .map(clone);
    },

    async create(workspaceId, input) {
      const taken = liveByDid(input.did);
      if (taken) return { status: 'did_taken', existing: clone(taken) };
      const at = now();
      const route: DidRouteRecord = {
        id: newId(at),
        workspaceId,
        did: input.did,
        agentId: input.agentId,
        agentVersion: input.agentVersion,
        label: input.label,
        sync: { ...input.sync },
        revision: 1,
        createdAt: at,
        updatedAt: at,
        deletedAt: null,
      };
      routes.set(route.id, route);
      return { status: 'created', route: clone(route) };
    },

    async update(workspaceId, id, patch) {
      const route = live(workspaceId, id);
      if (!route) return { status: 'not_found' };
      if (patch.did !== undefined && patch.did !== route.did) {
        const taken = liveByDid(patch.did);
        if (taken) return { status: 'did_taken', existing: clone(taken) };
      }
      const updated: DidRouteRecord = {
        ...route,
        ...(patch.did !== undefined && { did: patch.did }),
        ...(patch.agentId !== undefined && { agentId: patch.agentId }),
        ...(patch.agentVersion !== undefined && { agentVersion: patch.agentVersion }),
        ...(patch.label !== undefined && { label: patch.label }),
        ...(patch.sync !== undefined && { sync: { ...patch.sync } }),
        revision: route.revision + 1,
        updatedAt: now(),
      };
      routes.set(id, updated);
      return { status: 'updated', route: clone(updated) };
    },

    async softDelete(workspaceId, id, at, sync) {
      const route = live(workspaceId, id);
      if (!route) return null;
      const deleted: DidRouteRecord = {
        ...route,
        sync: { ...sync },
        revision: route.revision + 1,
        updatedAt: at,
        deletedAt: at,
      };
      routes.set(id, deleted);
      return clone(deleted);
    },

    async setSync(id, revision, sync) {
      const route = routes.get(id);
      if (!route || route.revision !== revision) return null;
      const updated = { ...route, sync: { ...sync } };
      routes.set(id, updated);
      return clone(updated);
    },

    async ping() {},
  };
}

function clone(route: DidRouteRecord): DidRouteRecord {
  return structuredClone(route);
}
