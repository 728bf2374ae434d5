import { createMemoryAgentStore } from '../server/adapters/memory/agent-store.memory.ts';
import { createMemoryDidRouteStore } from '../server/adapters/memory/did-route-store.memory.ts';
import { createInnerContext, type Services } from '../server/context.ts';
import { createUnconfiguredLiveKitRooms } from '../server/livekit/livekit-rooms.unconfigured.ts';
import { createUnconfiguredSip } from '../server/livekit/sip.unconfigured.ts';
import { createMemoryLogger, type Logger } from '../server/logger.ts';
import type { AgentStore } from '../server/ports/agent-store.port.ts';
import type { DidRouteStore } from '../server/ports/did-route-store.port.ts';
import type { LiveKitRooms } from '../server/ports/livekit-rooms.port.ts';
import type { SipDispatch } from '../server/ports/sip-dispatch.port.ts';
import { createCaller } from '../server/routers/_app.ts';
import { createAgentService } from '../server/services/agent.service.ts';
import { createSessionService } from '../server/services/session.service.ts';
import { createSystemService } from '../server/services/system.service.ts';
import {
  createRouteReferences,
  createTelephonyService,
} from '../server/services/telephony.service.ts';
import type { AgentCreateInput } from '../shared/agent.schema.ts';
import type { StorageKind } from '../shared/system.schema.ts';

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
