import type { DidRoute, DidRouteSync } from '../../shared/telephony.schema.ts';
import { ConflictError, invalidInput, NotFoundError } from '../errors.ts';
import type {
  DidRouteRecord,
  DidRouteStore,
  RouteSyncRecord,
} from '../ports/did-route-store.port.ts';
import type { AgentService } from './agent.service.ts';
import type { AgentVersionService } from './agent-version.service.ts';
import { pendingFrom, type TelephonySync } from './telephony-sync.ts';
import type { RouteConfigResolver, TelephonyService } from './telephony.service.ts';

export type TelephonyRoutes = Pick<
  TelephonyService,
  'listRoutes' | 'getRoute' | 'createRoute' | 'updateRoute' | 'deleteRoute' | 'resolve'
>;

export interface TelephonyRoutesDeps {
  routes: DidRouteStore;
  agents: Pick<AgentService, 'getRecord' | 'namesByIds'>;
  /** A pinned version must exist (and not be deleted). */
  versions: Pick<AgentVersionService, 'get'>;
  /** Brings LiveKit in step with a saved route. */
  sync: Pick<TelephonySync, 'push'>;
  /** The config a route's calls get (its pinned version, or the published one). */
  resolveConfig: RouteConfigResolver;
  now: () => Date;
}

/**
 * Routes (phone number → agent): validation, one live route per number, a live agent behind each,
 * keyset paging by number. Every change that LiveKit sees is saved first (sync state `pending`),
 * then pushed.
 */
export function createTelephonyRoutes(deps: TelephonyRoutesDeps): TelephonyRoutes {
  const { routes, sync, now } = deps;

  const routeNotFound = (id: string) =>
    new NotFoundError(`Route ${id} was not found (it may have been deleted)`, {
      details: { reason: 'not-found', resource: 'route', id },
    });

  /** The agent must exist and be live: NOT_FOUND with an issue at `agentId` otherwise. */
  const requireAgent = async (workspaceId: string, agentId: string) => {
    try {
      await deps.agents.getRecord(workspaceId, agentId);
    } catch (error) {
      if (error instanceof NotFoundError) {
        const message = `agent ${agentId} was not found (it may have been deleted)`;
        throw new NotFoundError(`agentId: ${message}`, {
          cause: error,
          issues: [{ path: ['agentId'], message }],
          details: { reason: 'not-found', resource: 'agent', id: agentId },
        });
      }
      throw error;
    }
  };

  /**
   * A pinned version must be one of the agent's versions: NOT_FOUND with an issue at
   * `agentVersion` otherwise (also when it was deleted).
   */
  const requireVersion = async (workspaceId: string, agentId: string, version: number | null) => {
    if (version === null) return;
    try {
      await deps.versions.get(workspaceId, agentId, version);
    } catch (error) {
      if (error instanceof NotFoundError) {
        const message = `agent ${agentId} has no version ${version} (see agents.versions)`;
        throw new NotFoundError(`agentVersion: ${message}`, {
          cause: error,
          issues: [{ path: ['agentVersion'], message }],
          details: { reason: 'not-found', resource: 'agent-version', id: `${agentId}:v${version}` },
        });
      }
      throw error;
    }
  };

  /** The wire form of routes, each naming its agent: one store query for all of them. */
  const toDidRoutes = async (
    workspaceId: string,
    records: DidRouteRecord[],
  ): Promise<DidRoute[]> => {
    if (records.length === 0) return [];
    const agentIds = [...new Set(records.map((r) => r.agentId))];
    const names = await deps.agents.namesByIds(workspaceId, agentIds);
    return records.map((record) => toDidRoute(record, names.get(record.agentId) ?? null));
  };
  const toOneDidRoute = async (record: DidRouteRecord): Promise<DidRoute> =>
    (await toDidRoutes(record.workspaceId, [record]))[0]!;

  return {
    async listRoutes(workspaceId, input) {
      const afterDid = input.cursor ? decodeRouteCursor(input.cursor) : undefined;
      const rows = await routes.list(workspaceId, {
        limit: input.limit + 1,
        ...(afterDid !== undefined && { afterDid }),
        ...(input.agentId !== undefined && { agentId: input.agentId }),
      });
      const items = rows.slice(0, input.limit);
      const last = items.at(-1);
      return {
        items: await toDidRoutes(workspaceId, items),
        nextCursor: rows.length > input.limit && last ? encodeRouteCursor(last.did) : null,
      };
    },

    async getRoute(workspaceId, id) {
      const route = await routes.get(workspaceId, id);
      if (!route) throw routeNotFound(id);
      return toOneDidRoute(route);
    },

    async createRoute(workspaceId, input) {
      const agentVersion = input.agentVersion ?? null;
      await requireAgent(workspaceId, input.agentId);
      await requireVersion(workspaceId, input.agentId, agentVersion);
      const outcome = await routes.create(workspaceId, {
        did: input.did,
        agentId: input.agentId,
        agentVersion,
        label: input.label || null,
        sync: { state: 'pending', ruleId: null, error: null, syncedAt: null },
      });
      if (outcome.status === 'did_taken') {
        throw didTaken(workspaceId, input.did, outcome.existing);
      }
      // The agent (or the pinned version) may have been deleted between the check and the insert
      // (its delete looked for routes before this one existed): then the route goes again.
      try {
        await requireAgent(workspaceId, input.agentId);
        await requireVersion(workspaceId, input.agentId, agentVersion);
      } catch (error) {
        await routes.softDelete(workspaceId, outcome.route.id, now(), outcome.route.sync);
        throw error;
      }
      return toOneDidRoute(await sync.push(outcome.route));
    },

    async updateRoute(workspaceId, { routeId, did, agentId, agentVersion: pin, label }) {
      if (agentId !== undefined) await requireAgent(workspaceId, agentId);
      const current = await routes.get(workspaceId, routeId);
      if (!current) throw routeNotFound(routeId);
      const targetAgent = agentId ?? current.agentId;
      // Another agent without a version given follows that agent's published version: a pin
      // names a version of the agent it was made for.
      const agentVersion =
        pin !== undefined ? pin : targetAgent !== current.agentId ? null : current.agentVersion;
      const repins = agentVersion !== current.agentVersion;
      if (repins) await requireVersion(workspaceId, targetAgent, agentVersion);
      const touchesLiveKit = did !== undefined || agentId !== undefined || repins;
      const outcome = await routes.update(workspaceId, routeId, {
        ...(did !== undefined && { did }),
        ...(agentId !== undefined && { agentId }),
        ...(repins && { agentVersion }),
        ...(label !== undefined && { label: label || null }),
        ...(touchesLiveKit && { sync: pendingFrom(current.sync) }),
      });
      if (outcome.status === 'not_found') throw routeNotFound(routeId);
      if (outcome.status === 'did_taken') {
        throw didTaken(workspaceId, did ?? current.did, outcome.existing);
      }
      // The agent or the newly pinned version may have been deleted meanwhile (their deletes
      // looked for routes before this change): then the route goes back as it was.
      if (targetAgent !== current.agentId || repins) {
        try {
          if (targetAgent !== current.agentId) await requireAgent(workspaceId, targetAgent);
          if (repins) await requireVersion(workspaceId, targetAgent, agentVersion);
        } catch (error) {
          await routes.update(workspaceId, routeId, {
            agentId: current.agentId,
            agentVersion: current.agentVersion,
            sync: current.sync,
          });
          throw error;
        }
      }
      return toOneDidRoute(touchesLiveKit ? await sync.push(outcome.route) : outcome.route);
    },

    async deleteRoute(workspaceId, id) {
      const current = await routes.get(workspaceId, id);
      if (!current) throw routeNotFound(id);
      const deleted = await routes.softDelete(workspaceId, id, now(), pendingFrom(current.sync));
      if (!deleted?.deletedAt) throw routeNotFound(id);
      const pushed = await sync.push(deleted);
      return {
        id: deleted.id,
        did: deleted.did,
        deletedAt: deleted.deletedAt.toISOString(),
        sync: toWireSync(pushed.sync),
      };
    },

    async resolve(workspaceId, { did }) {
      const route = await routes.findByDid(workspaceId, did);
      if (!route) {
        throw new NotFoundError(`No route answers ${did}: add one with telephony.routes.create`, {
          details: { reason: 'not-found', resource: 'number', id: did },
        });
      }
      const { config, version } = await deps.resolveConfig(
        workspaceId,
        route.agentId,
        route.agentVersion,
      );
      return {
        routeId: route.id,
        did: route.did,
        agentId: route.agentId,
        agentVersion: version,
        config,
      };
    },
  };
}

/**
 * A number is routed once across all workspaces. When another workspace has it, the caller
 * learns only that the number is in use: not that workspace's route or agent.
 */
function didTaken(workspaceId: string, did: string, found: DidRouteRecord | null): ConflictError {
  const existing = found?.workspaceId === workspaceId ? found : null;
  const message = existing
    ? `${did} already routes to agent ${existing.agentId} (route ${existing.id}); update or delete that route first`
    : found
      ? `${did} is already routed in another workspace; a number can have one route only`
      : `${did} already has a route; update or delete that route first`;
  return new ConflictError(`did: ${message}`, {
    issues: [{ path: ['did'], message }],
    ...(existing && {
      details: { reason: 'number-taken', did, routeId: existing.id, agentId: existing.agentId },
    }),
  });
}

export function toWireSync(sync: RouteSyncRecord): DidRouteSync {
  return {
    state: sync.state,
    ...(sync.ruleId !== null && { ruleId: sync.ruleId }),
    ...(sync.error !== null && { error: sync.error }),
    ...(sync.syncedAt !== null && { syncedAt: sync.syncedAt.toISOString() }),
  };
}

export function toDidRoute(record: DidRouteRecord, agentName: string | null): DidRoute {
  return {
    id: record.id,
    did: record.did,
    agentId: record.agentId,
    agent: { id: record.agentId, name: agentName },
    agentVersion: record.agentVersion,
    ...(record.label !== null && { label: record.label }),
    sync: toWireSync(record.sync),
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    ...(record.deletedAt && { deletedAt: record.deletedAt.toISOString() }),
  };
}

/** Opaque to clients: base64url of the last DID of the page. */
export function encodeRouteCursor(did: string): string {
  return Buffer.from(did).toString('base64url');
}

export function decodeRouteCursor(cursor: string): string {
  const did = Buffer.from(cursor, 'base64url').toString();
  if (!/^\+\d{8,15}$/.test(did)) {
    throw invalidInput(['cursor'], 'not a cursor this server issued; start again without one');
  }
  return did;
}
