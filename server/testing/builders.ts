import type { AuditStore } from '../ports/audit-store.port.ts';
import type { AgentVersionStore } from '../ports/agent-version-store.port.ts';
import { createMemoryAgentVersionStore } from '../adapters/memory/agent-version-store.memory.ts';
import type { RedispatchPolicy } from '../services/call-history.service.ts';
import { createMemoryAgentStore } from '../adapters/memory/agent-store.memory.ts';
import { createMemoryApiKeyStore } from '../adapters/memory/api-key-store.memory.ts';
import { createMemoryWorkspaceStore } from '../adapters/memory/workspace-store.memory.ts';
import { createMemoryAccounts } from '../auth/memory-accounts.ts';
import { createMemoryDidRouteStore } from '../adapters/memory/did-route-store.memory.ts';
import { createMemoryRoomStore } from '../adapters/memory/room-store.memory.ts';
import { createMemoryCallSessionStore } from '../adapters/memory/call-session-store.memory.ts';
import { createMemoryCallReportStore } from '../adapters/memory/call-report-store.memory.ts';
import { createUnconfiguredLiveKitRooms } from '../adapters/unconfigured/livekit-rooms.unconfigured.ts';
import { createUnconfiguredSip } from '../adapters/unconfigured/sip-dispatch.unconfigured.ts';
import { createUnconfiguredWebhookVerifier } from '../adapters/unconfigured/livekit-webhooks.unconfigured.ts';
import { createServices } from '../compose.ts';
import { createInnerContext, type Caller, type Services, type SignedInUser } from '../context.ts';
import { callerWithRole, FIRST_WORKSPACE_ID, localOwnerCaller } from '../identity.ts';
import { createLogger, createMemoryLogger, type Logger } from '../logger.ts';
import type { Accounts } from '../ports/accounts.port.ts';
import type { ApiKeyStore } from '../ports/api-key-store.port.ts';
import type { AgentStore } from '../ports/agent-store.port.ts';
import type { DidRouteStore } from '../ports/did-route-store.port.ts';
import type { LiveKitRooms } from '../ports/livekit-rooms.port.ts';
import type { LiveKitWebhookVerifier } from '../ports/livekit-webhooks.port.ts';
import type { RoomStore } from '../ports/room-store.port.ts';
import type { CallSessionStore } from '../ports/call-session-store.port.ts';
import type { CallReportStore } from '../ports/call-report-store.port.ts';
import type { SessionLimits } from '../services/session.service.ts';
import type { SipDispatch } from '../ports/sip-dispatch.port.ts';
import type { WorkspaceStore } from '../ports/workspace-store.port.ts';
import { createCaller } from '../routers/_app.ts';
import type { AgentCreateInput } from '../../shared/agent.schema.ts';
import type { Role, Scope } from '../../shared/auth.schema.ts';
import type { StorageKind } from '../../shared/system.schema.ts';

export const TEST_AGENT_NAME = 'test-agent';
/** The secret report tokens are signed with in tests (as AUTH_SECRET is in the app). */
export const TEST_REPORT_SECRET = 'a-test-report-secret-of-32-characters';

/** session.start's limits as the app's defaults set them (env.ts). */
export const DEFAULT_TEST_SESSION_LIMITS: SessionLimits = {
  workspacePerMinute: 60,
  keyPerMinute: 30,
  concurrentMax: 25,
};

export interface BuildServicesOptions {
  store?: AgentStore;
  /** Agents' published versions; in memory unless given. */
  agentVersionStore?: AgentVersionStore;
  /** The audit log; in memory unless given. */
  auditStore?: AuditStore;
  storage?: StorageKind;
  /** LiveKit for session.start; unconfigured unless given (createMemoryLiveKitRooms for a fake). */
  rooms?: LiveKitRooms;
  agentName?: string;
  tokenTtlSeconds?: number;
  logger?: Logger;
  /** Phone-number routes; in memory unless given. */
  routes?: DidRouteStore;
  /** Room records of session.start; in memory unless given. */
  roomStore?: RoomStore;
  /** Call history; in memory unless given. */
  callSessionStore?: CallSessionStore;
  /** Workers' call reports; in memory unless given. */
  callReportStore?: CallReportStore;
  /** What signs report tokens and where workers post; TEST_REPORT_SECRET and a loopback URL unless given. */
  callReports?: { secret?: string; baseUrl?: () => string };
  /** LiveKit's webhook checks; unconfigured unless given (createLiveKitWebhookVerifier with test keys). */
  webhooks?: LiveKitWebhookVerifier;
  /** session.start's rates and cap; the app's defaults unless given. */
  sessionLimits?: Partial<SessionLimits>;
  /** The clock of session.start's rates and room records, invitations' expiry, keys' use. */
  now?: () => Date;
  /** LiveKit's SIP API for telephony; unconfigured unless given (createMemorySip for a fake). */
  sip?: SipDispatch;
  /** As LIVEKIT_SIP_TRUNK_ID; without it telephony keeps its own trunk. */
  sipTrunkId?: string;
  /** The name of the trunk telephony keeps (tests sharing a LiveKit use one each). */
  managedTrunkName?: string;
  /** When a call without an agent is dispatched again and given up (call history). */
  redispatch?: RedispatchPolicy;
  /** Workspaces, members, invitations; in memory unless given. */
  workspaceStore?: WorkspaceStore;
  /** API keys; in memory unless given. */
  keyStore?: ApiKeyStore;
  /** Accounts and sessions; better-auth in memory unless given. */
  accounts?: Accounts;
}

/** Services wired as the app wires them, over in-memory stores and unconfigured LiveKit by default. */
export function buildServices(options: BuildServicesOptions = {}): Services {
  return createServices({
    agentStore: options.store ?? createMemoryAgentStore(),
    agentVersionStore: options.agentVersionStore ?? createMemoryAgentVersionStore(),
    ...(options.auditStore && { auditStore: options.auditStore }),
    routeStore: options.routes ?? createMemoryDidRouteStore(),
    workspaceStore: options.workspaceStore ?? createMemoryWorkspaceStore(),
    keyStore: options.keyStore ?? createMemoryApiKeyStore(),
    accounts:
      options.accounts ??
      createMemoryAccounts({ logger: options.logger ?? createLogger({ level: 'warn' }) }),
    rooms: options.rooms ?? createUnconfiguredLiveKitRooms(),
    roomStore: options.roomStore ?? createMemoryRoomStore(),
    callSessionStore: options.callSessionStore ?? createMemoryCallSessionStore(),
    callReportStore: options.callReportStore ?? createMemoryCallReportStore(),
    callReports: {
      secret: options.callReports?.secret ?? TEST_REPORT_SECRET,
      baseUrl: options.callReports?.baseUrl ?? (() => 'http://127.0.0.1:4000'),
    },
    webhooks: options.webhooks ?? createUnconfiguredWebhookVerifier(),
    sessionLimits: { ...DEFAULT_TEST_SESSION_LIMITS, ...options.sessionLimits },
    ...(options.now && { now: options.now }),
    sip: options.sip ?? createUnconfiguredSip(),
    storage: options.storage ?? 'memory',
    livekitConfigured: options.rooms !== undefined,
    agentName: options.agentName ?? TEST_AGENT_NAME,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 600,
    version: '0.0.0-test',
    ...(options.sipTrunkId && { sipTrunkId: options.sipTrunkId }),
    ...(options.managedTrunkName && { managedTrunkName: options.managedTrunkName }),
    ...(options.redispatch && { redispatch: options.redispatch }),
    ...(options.logger && { logger: options.logger }),
  });
}

/** The workspace services called directly in tests act in (the local one, as the app's). */
export const TEST_WORKSPACE_ID = FIRST_WORKSPACE_ID;

/** Two workspaces for isolation tests: nothing of one may be seen or changed from the other. */
export const WORKSPACE_A = 'aaaaaaaaaaaaaaaaaaaaaaaa';
export const WORKSPACE_B = 'bbbbbbbbbbbbbbbbbbbbbbbb';

/** A person with `role` in `workspaceId` (a user actor), as sign-in will resolve them. */
export function buildIdentity(workspaceId: string, role: Role = 'owner'): Caller {
  return callerWithRole(workspaceId, role);
}

/** An API key of the workspace (`sb_…` secret key) with these scopes. */
export function buildApiKeyCaller(
  workspaceId: string,
  keyId = 'key-1',
  scopes: readonly Scope[] = ['sessions:start', 'agents:read'],
): Caller {
  return {
    workspaceId,
    actor: { kind: 'api-key', id: keyId },
    permissions: new Set(scopes),
    scopes,
  };
}

/** A publishable key (`sb_pk_…`): `sessions:start` only, for these agents (null: any). */
export function buildPublishableCaller(
  workspaceId: string,
  agentIds: readonly string[] | null,
  keyId = 'pk-1',
): Caller {
  return {
    workspaceId,
    actor: { kind: 'publishable-key', id: keyId },
    permissions: new Set(['sessions:start']),
    scopes: ['sessions:start'],
    limits: { agentIds },
  };
}

/**
 * A router caller with a fresh context, and the lines it logged (services' lines included).
 * `caller` is who asks: the local workspace's owner unless given (`null`: nobody signed in).
 * `as(identity)` is another router caller over the SAME services, for cross-workspace tests;
 * `asPerson(user, identity)` is a signed-in person (as a session cookie resolves them), working
 * in `identity`'s workspace (`null`: in none, e.g. before they join one).
 */
export function buildCaller(
  options: Omit<BuildServicesOptions, 'logger'> & { caller?: Caller | null } = {},
) {
  const { caller: identity = localOwnerCaller, ...serviceOptions } = options;
  const logger = createMemoryLogger();
  const services = buildServices({ ...serviceOptions, logger });
  const as = (who: Caller | null) =>
    createCaller(createInnerContext({ services, logger, caller: who }));
  const asPerson = (user: SignedInUser, who: Caller | null = null) =>
    createCaller(createInnerContext({ services, logger, caller: who, user }));
  return { caller: as(identity), as, asPerson, services, logger };
}

export function buildAgentInput(overrides: Partial<AgentCreateInput> = {}): AgentCreateInput {
  return {
    name: 'Front desk',
    description: 'Greets callers',
    config: {
      instructions: 'You are a helpful receptionist.',
      greeting: 'Hello!',
      llm: { provider: 'openai', model: 'gpt-4o-mini', temperature: 0.4 },
      tools: ['lookup_booking'],
    },
    ...overrides,
  };
}
