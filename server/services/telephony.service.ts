import type {
  DidRoute,
  DidRouteCreateData,
  DidRouteDeleted,
  DidRouteList,
  DidRouteListQuery,
  DidRouteUpdateData,
  TelephonyResolveData,
  TelephonyResolveOutput,
  TelephonySyncReport,
} from '../../shared/telephony.schema.ts';
import type { Logger } from '../logger.ts';
import type { AgentReferences } from '../ports/agent-references.port.ts';
import type { Actor } from '../ports/audit-store.port.ts';
import type { DidRouteStore } from '../ports/did-route-store.port.ts';
import type { SipDispatch } from '../ports/sip-dispatch.port.ts';
import type { ResolvedAgentConfig } from '../../shared/session.schema.ts';
import type { AgentService } from './agent.service.ts';
import type { AgentVersionService } from './agent-version.service.ts';
import { resolveAgentConfig } from './config-resolver.ts';
import { createTelephonyRoutes } from './telephony-routes.ts';
import { createTelephonySync } from './telephony-sync.ts';

/**
 * Every method but `settled` works inside the workspace given first (the caller's): another
 * workspace's route or agent is NOT_FOUND, exactly like a missing one.
 */
export interface TelephonyService {
  listRoutes(workspaceId: string, input: DidRouteListQuery): Promise<DidRouteList>;
  getRoute(workspaceId: string, routeId: string): Promise<DidRoute>;
  /**
   * Saves the route, then brings LiveKit in step; the answer's `sync` says how that went. `by`:
   * who the audit log records (see audit-recorders.ts).
   */
  createRoute(
    workspaceId: string,
    input: Omit<DidRouteCreateData, 'agentVersion'> & { agentVersion?: number | null },
    by?: Actor,
  ): Promise<DidRoute>;
  updateRoute(workspaceId: string, input: DidRouteUpdateData, by?: Actor): Promise<DidRoute>;
  deleteRoute(workspaceId: string, routeId: string, by?: Actor): Promise<DidRouteDeleted>;
  /** The agent a call to the number reaches, with its config resolved as `session.start` does. */
  resolve(workspaceId: string, input: TelephonyResolveData): Promise<TelephonyResolveOutput>;
  /**
   * Reconciles LiveKit's trunk and dispatch rules with the routes of EVERY workspace (LiveKit's
   * rules are one set; repairing is all it does), and reports only what concerns this workspace.
   */
  sync(workspaceId: string): Promise<TelephonySyncReport>;
  /** Resolves once background work (re-syncs after agent changes) has finished. */
  settled(): Promise<void>;
}

export interface TelephonyServiceDeps {
  routes: DidRouteStore;
  agents: Pick<AgentService, 'getRecord' | 'namesByIds'>;
  /** What numbers run: the agent's published version, or the one a route pins. */
  versions: Pick<AgentVersionService, 'get' | 'published' | 'onPublished'>;
  sip: SipDispatch;
  /** AGENT_NAME: the worker each call's room dispatches. */
  agentName: string;
  /** LIVEKIT_SIP_TRUNK_ID: a trunk the operator keeps. Without it Switchboard keeps its own. */
  trunkId?: string;
  /** The name of the trunk Switchboard keeps (default `switchboard-inbound`). */
  managedTrunkName?: string;
  logger?: Logger;
  now?: () => Date;
}

/**
 * The config a number's calls run: the agent's published version (`agentVersion` null, the route
 * follows "published") or the version the route pins, resolved as `session.start` resolves it.
 */
export type RouteConfigResolver = (
  workspaceId: string,
  agentId: string,
  agentVersion: number | null,
) => Promise<{ config: ResolvedAgentConfig; version: number }>;

export function createRouteConfigResolver(
  versions: Pick<AgentVersionService, 'get' | 'published'>,
): RouteConfigResolver {
  return async (workspaceId, agentId, agentVersion) => {
    const found =
      agentVersion === null
        ? await versions.published(workspaceId, agentId)
        : await versions.get(workspaceId, agentId, agentVersion);
    return { config: resolveAgentConfig({ stored: found.config }), version: found.version };
  };
}

/** AgentReferences over the route store: an agent with live numbers cannot be deleted. */
export function createRouteReferences(routes: DidRouteStore): AgentReferences {
  return {
    async liveNumbersForAgent(workspaceId, agentId) {
      return (await routes.listByAgent(workspaceId, agentId)).map((route) => route.did);
    },
    async numbersPinnedToVersion(workspaceId, agentId, version) {
      return (await routes.listByAgent(workspaceId, agentId))
        .filter((route) => route.agentVersion === version)
        .map((route) => route.did);
    },
  };
}

/**
 * Phone numbers (DIDs) → agents, kept in step with LiveKit's SIP dispatch rules.
 *
 * Every change is saved first (sync state `pending`), then pushed to LiveKit: the inbound trunk
 * gets the routed numbers (when Switchboard keeps it), and each live route has exactly one rule
 * named `switchboard:<routeId>`, limited to the trunk and the number, that puts each caller in a
 * new room and dispatches AGENT_NAME with `{ agentId, did, agentVersion, config }`: the agent's
 * published version (re-pushed on every publish) or the version the route pins. A push that fails leaves the
 * route marked `error` with the reason; `sync` repairs whatever drifted. In three parts:
 * - telephony-routes.ts: the routes (validation, one live route per number, a live agent each);
 * - telephony-sync.ts: pushes and `sync`, one at a time, against LiveKit's trunk and rules;
 * - dispatch-rules.ts: the rule a route wants and how far LiveKit's differs (pure).
 */
export function createTelephonyService(deps: TelephonyServiceDeps): TelephonyService {
  const now = deps.now ?? (() => new Date());
  const resolveConfig = createRouteConfigResolver(deps.versions);

  const sync = createTelephonySync({
    routes: deps.routes,
    sip: deps.sip,
    agentName: deps.agentName,
    ...(deps.trunkId && { trunkId: deps.trunkId }),
    ...(deps.managedTrunkName && { managedTrunkName: deps.managedTrunkName }),
    resolveConfig,
    ...(deps.logger && { logger: deps.logger }),
    now,
  });

  // A rule carries a snapshot of a published version: a new publish re-pushes the agent's routes
  // that follow "published". Saving the draft changes no number, and pinned numbers stay put.
  deps.versions.onPublished(async ({ workspaceId, agentId }) => {
    await sync.repushAgentRoutes(workspaceId, agentId, { followingPublished: true });
  });

  return {
    ...createTelephonyRoutes({
      routes: deps.routes,
      agents: deps.agents,
      versions: deps.versions,
      sync,
      resolveConfig,
      now,
    }),
    sync: (workspaceId) => sync.sync(workspaceId),
    settled: () => sync.settled(),
  };
}
