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
import type { AgentService } from './agent.service.ts';
import { createConfigResolver } from './config-resolver.ts';
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
  createRoute(workspaceId: string, input: DidRouteCreateData, by?: Actor): Promise<DidRoute>;
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
  agents: Pick<AgentService, 'getRecord' | 'namesByIds' | 'onAgentChanged'>;
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

/** AgentReferences over the route store: an agent with live numbers cannot be deleted. */
export function createRouteReferences(routes: DidRouteStore): AgentReferences {
  return {
    async liveNumbersForAgent(workspaceId, agentId) {
      return (await routes.listByAgent(workspaceId, agentId)).map((route) => route.did);
    },
  };
}

/**
 * Phone numbers (DIDs) → agents, kept in step with LiveKit's SIP dispatch rules.
 *
 * Every change is saved first (sync state `pending`), then pushed to LiveKit: the inbound trunk
 * gets the routed numbers (when Switchboard keeps it), and each live route has exactly one rule
 * named `switchboard:<routeId>`, limited to the trunk and the number, that puts each caller in a
 * new room and dispatches AGENT_NAME with `{ agentId, did, config }`. A push that fails leaves the
 * route marked `error` with the reason; `sync` repairs whatever drifted. In three parts:
 * - telephony-routes.ts: the routes (validation, one live route per number, a live agent each);
 * - telephony-sync.ts: pushes and `sync`, one at a time, against LiveKit's trunk and rules;
 * - dispatch-rules.ts: the rule a route wants and how far LiveKit's differs (pure).
 */
export function createTelephonyService(deps: TelephonyServiceDeps): TelephonyService {
  const now = deps.now ?? (() => new Date());
  const resolveConfig = (workspaceId: string, agentId: string) =>
    createConfigResolver({
      loadStoredConfig: async (id) => (await deps.agents.getRecord(workspaceId, id)).config,
    }).resolve({ agentId });

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

  // A rule carries a snapshot of its agent's config: a config change re-pushes the agent's routes.
  deps.agents.onAgentChanged(async ({ agent, fields }) => {
    if (!fields.includes('config')) return;
    await sync.repushAgentRoutes(agent.workspaceId, agent.id);
  });

  return {
    ...createTelephonyRoutes({
      routes: deps.routes,
      agents: deps.agents,
      sync,
      resolveConfig,
      now,
    }),
    sync: (workspaceId) => sync.sync(workspaceId),
    settled: () => sync.settled(),
  };
}
