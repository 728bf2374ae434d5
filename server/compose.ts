import type { StorageKind } from '../shared/system.schema.ts';
import type { Services } from './context.ts';
import type { Logger } from './logger.ts';
import type { Accounts } from './ports/accounts.port.ts';
import type { CallSessionStore } from './ports/call-session-store.port.ts';
import type { CallReportStore } from './ports/call-report-store.port.ts';
import type { AgentStore } from './ports/agent-store.port.ts';
import type { ApiKeyStore } from './ports/api-key-store.port.ts';
import type { DidRouteStore } from './ports/did-route-store.port.ts';
import type { LeaseStore } from './ports/lease-store.port.ts';
import type { LiveKitRooms } from './ports/livekit-rooms.port.ts';
import type { LiveKitWebhookVerifier } from './ports/livekit-webhooks.port.ts';
import type { RoomStore } from './ports/room-store.port.ts';
import type { SipDispatch } from './ports/sip-dispatch.port.ts';
import type { WorkspaceStore } from './ports/workspace-store.port.ts';
import { createAgentService } from './services/agent.service.ts';
import { createAgentVersionService } from './services/agent-version.service.ts';
import { createAgentTransferService } from './services/agent-transfer.service.ts';
import { createMemoryAgentVersionStore } from './adapters/memory/agent-version-store.memory.ts';
import type { AgentVersionStore } from './ports/agent-version-store.port.ts';
import { createMemoryAuditStore } from './adapters/memory/audit-store.memory.ts';
import type { AuditStore } from './ports/audit-store.port.ts';
import { createAuditLog } from './services/audit.service.ts';
import { auditAgentVersions, auditTelephony } from './services/audit-recorders.ts';
import { createApiKeyService } from './services/api-key.service.ts';
import {
  createCallHistoryService,
  type RedispatchPolicy,
} from './services/call-history.service.ts';
import { createCallReportService } from './services/call-report.service.ts';
import { createSessionService, type SessionLimits } from './services/session.service.ts';
import { createSetupService } from './services/setup.service.ts';
import { createSystemService } from './services/system.service.ts';
import {
  createRouteConfigResolver,
  createRouteReferences,
  createTelephonyService,
} from './services/telephony.service.ts';
import { createWorkspaceService } from './services/workspace.service.ts';

/** The adapters chosen for each port, and the settings the services read. */
export interface ServiceWiring {
  /** Where agents live. */
  agentStore: AgentStore;
  /** Where phone-number routes live (beside the agents). */
  routeStore: DidRouteStore;
  /** Workspaces, members and invitations. */
  workspaceStore: WorkspaceStore;
  /** API keys (hashes only). */
  keyStore: ApiKeyStore;
  /** People's accounts and dashboard sessions (better-auth). */
  accounts: Accounts;
  /** LiveKit's room and dispatch API, for `session.start`. */
  rooms: LiveKitRooms;
  /** Which workspace each room `session.start` made belongs to (beside the agents). */
  roomStore: RoomStore;
  /** Agents' published versions (beside the agents); none: in memory (tests). */
  agentVersionStore?: AgentVersionStore;
  /** The audit log (beside the agents); none: in memory (tests). */
  auditStore?: AuditStore;
  /** Call history (beside the agents). */
  callSessionStore: CallSessionStore;
  /** Leases shared by the server instances (beside the agents); none: this process alone. */
  leaseStore?: LeaseStore;
  /** Agent workers' call reports (beside the call history). */
  callReportStore: CallReportStore;
  /**
   * Where workers post call reports and what signs their tokens: AUTH_SECRET (or the app's
   * per-process secret) and the origin workers reach this server at (read at each start).
   */
  callReports: { secret: string; baseUrl: () => string };
  /** Checks LiveKit's webhooks (signed with LIVEKIT_API_KEY / LIVEKIT_API_SECRET). */
  webhooks: LiveKitWebhookVerifier;
  /** SESSION_RATE_PER_MINUTE, SESSION_KEY_RATE_PER_MINUTE, SESSION_CONCURRENT_MAX. */
  sessionLimits: SessionLimits;
  /** The clock of session.start's rates and room records, invitations' expiry, keys' use; tests pin it. */
  now?: () => Date;
  /** When a call without an agent is dispatched again, and given up (default REDISPATCH_DEFAULTS). */
  redispatch?: RedispatchPolicy;
  /** LiveKit's SIP API, for telephony. */
  sip: SipDispatch;
  /** Which kind of store answers, as `system.info` reports it. */
  storage: StorageKind;
  /** Whether `rooms` and `sip` reach a real LiveKit, as `system.info` reports it. */
  livekitConfigured: boolean;
  /** AGENT_NAME: the worker every call dispatches. */
  agentName: string;
  /** SESSION_TTL_SECONDS: lifetime of a participant token. */
  tokenTtlSeconds: number;
  /** The server's version, as `system.info` reports it. */
  version: string;
  /** LIVEKIT_SIP_TRUNK_ID; without it telephony keeps its own trunk. */
  sipTrunkId?: string;
  /** The name of the trunk telephony keeps (default `switchboard-inbound`). */
  managedTrunkName?: string;
  logger?: Logger;
}

/**
 * Builds every service from the chosen adapters: the one place services are wired to each other,
 * used by the app (adapters picked from the environment) and by tests (fakes by default).
 */
export function createServices(wiring: ServiceWiring): Services {
  const logger = wiring.logger && { logger: wiring.logger };
  const now = wiring.now && { now: wiring.now };
  const audit = createAuditLog({
    store: wiring.auditStore ?? createMemoryAuditStore(),
    ...now,
    ...logger,
  });
  const agents = createAgentService({
    store: wiring.agentStore,
    references: createRouteReferences(wiring.routeStore),
    afterCreate: (workspaceId, agent, author) =>
      agentVersions.publishFirst(workspaceId, agent, author),
    beforeConfigChange: (workspaceId, agent) => agentVersions.ensurePublished(workspaceId, agent),
    audit,
    ...logger,
  });
  const agentVersions = auditAgentVersions(
    createAgentVersionService({
      versions: wiring.agentVersionStore ?? createMemoryAgentVersionStore(),
      agents,
      references: createRouteReferences(wiring.routeStore),
      ...now,
      ...logger,
    }),
    { audit, agents, ...logger },
  );
  const workspaces = createWorkspaceService({
    store: wiring.workspaceStore,
    accounts: wiring.accounts,
    audit,
    ...now,
    ...logger,
  });
  const reports = createCallReportService({
    secret: wiring.callReports.secret,
    baseUrl: wiring.callReports.baseUrl,
    sessions: wiring.callSessionStore,
    store: wiring.callReportStore,
    ...now,
    ...logger,
  });
  return {
    accounts: wiring.accounts,
    agents,
    agentVersions,
    agentTransfer: createAgentTransferService({ agents, agentVersions, ...now }),
    audit,
    calls: createCallHistoryService({
      store: wiring.callSessionStore,
      reports: wiring.callReportStore,
      webhooks: wiring.webhooks,
      rooms: wiring.rooms,
      agentName: wiring.agentName,
      routes: wiring.routeStore,
      resolveConfig: createRouteConfigResolver(agentVersions),
      ...(wiring.redispatch && { redispatch: wiring.redispatch }),
      ...now,
      ...logger,
    }),
    reports,
    keys: createApiKeyService({ store: wiring.keyStore, agents, audit, ...now }),
    setup: createSetupService({
      store: wiring.workspaceStore,
      workspaces,
      accounts: wiring.accounts,
      ...logger,
    }),
    workspaces,
    session: createSessionService({
      agents,
      versions: agentVersions,
      rooms: wiring.rooms,
      agentName: wiring.agentName,
      tokenTtlSeconds: wiring.tokenTtlSeconds,
      roomStore: wiring.roomStore,
      callSessions: wiring.callSessionStore,
      reports,
      limits: wiring.sessionLimits,
      ...(wiring.leaseStore && { leases: wiring.leaseStore }),
      ...now,
      ...logger,
    }),
    system: createSystemService({
      storage: wiring.storage,
      livekitConfigured: wiring.livekitConfigured,
      agentName: wiring.agentName,
      version: wiring.version,
    }),
    telephony: auditTelephony(
      createTelephonyService({
        routes: wiring.routeStore,
        agents,
        versions: agentVersions,
        sip: wiring.sip,
        agentName: wiring.agentName,
        ...(wiring.sipTrunkId && { trunkId: wiring.sipTrunkId }),
        ...(wiring.managedTrunkName && { managedTrunkName: wiring.managedTrunkName }),
        ...logger,
      }),
      { audit, ...logger },
    ),
  };
}
