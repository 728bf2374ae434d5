import { createMemoryAgentStore } from '../adapters/memory/agent-store.memory.ts';
import { createMemoryDidRouteStore } from '../adapters/memory/did-route-store.memory.ts';
import { createInnerContext, type Services } from '../context.ts';
import { createUnconfiguredLiveKitRooms } from '../adapters/unconfigured/livekit-rooms.unconfigured.ts';
import { createUnconfiguredSip } from '../adapters/unconfigured/sip-dispatch.unconfigured.ts';
import { createMemoryLogger, type Logger } from '../logger.ts';
import type { AgentStore } from '../ports/agent-store.port.ts';
import type { DidRouteStore } from '../ports/did-route-store.port.ts';
import type { LiveKitRooms } from '../ports/livekit-rooms.port.ts';
import type { SipDispatch } from '../ports/sip-dispatch.port.ts';
import { createCaller } from '../routers/_app.ts';
import { createAgentService } from '../services/agent.service.ts';
import { createSessionService } from '../services/session.service.ts';
import { createSystemService } from '../services/system.service.ts';
import { createRouteReferences, createTelephonyService } from '../services/telephony.service.ts';
import type { AgentCreateInput } from '../../shared/agent.schema.ts';
import type { StorageKind } from '../../shared/system.schema.ts';

export const TEST_AGENT_NAME = 'test-agent';

export interface BuildServicesOptions {
  store?: AgentStore;
  storage?: StorageKind;
  /** LiveKit for session.start; unconfigured unless given (createMemoryLiveKitRooms for a fake). */
  rooms?: LiveKitRooms;
  agentName?: string;
  tokenTtlSeconds?: number;
  logger?: Logger;
  /** Phone-number routes; in memory unless given. */
  routes?: DidRouteStore;
  /** LiveKit's SIP API for telephony; unconfigured unless given (createMemorySip for a fake). */
  sip?: SipDispatch;
  /** As LIVEKIT_SIP_TRUNK_ID; without it telephony keeps its own trunk. */
  sipTrunkId?: string;
  /** The name of the trunk telephony keeps (tests sharing a LiveKit use one each). */
  managedTrunkName?: string;
}

/** Services over a fresh store (in-memory unless given), as `main.ts` would wire them. */
export function buildServices(options: BuildServicesOptions = {}): Services {
  const routes = options.routes ?? createMemoryDidRouteStore();
  const agents = createAgentService({
    store: options.store ?? createMemoryAgentStore(),
    references: createRouteReferences(routes),
    ...(options.logger && { logger: options.logger }),
  });
  const agentName = options.agentName ?? TEST_AGENT_NAME;
  return {
    agents,
    session: createSessionService({
      agents,
      rooms: options.rooms ?? createUnconfiguredLiveKitRooms(),
      agentName,
      tokenTtlSeconds: options.tokenTtlSeconds ?? 600,
      ...(options.logger && { logger: options.logger }),
    }),
    system: createSystemService({
      storage: options.storage ?? 'memory',
      livekitConfigured: options.rooms !== undefined,
      agentName,
      version: '0.0.0-test',
    }),
    telephony: createTelephonyService({
      routes,
      agents,
      sip: options.sip ?? createUnconfiguredSip(),
      agentName,
      ...(options.sipTrunkId && { trunkId: options.sipTrunkId }),
      ...(options.managedTrunkName && { managedTrunkName: options.managedTrunkName }),
      ...(options.logger && { logger: options.logger }),
    }),
  };
}

/** A router caller with a fresh context, and the lines it logged (services' lines included). */
export function buildCaller(options: Omit<BuildServicesOptions, 'logger'> = {}) {
  const logger = createMemoryLogger();
  const services = buildServices({ ...options, logger });
  const caller = createCaller(createInnerContext({ services, logger }));
  return { caller, services, logger };
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
