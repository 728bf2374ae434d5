import { createMemoryAgentStore } from '../server/adapters/memory/agent-store.memory.ts';
import { createInnerContext, type Services } from '../server/context.ts';
import { createMemoryLogger } from '../server/logger.ts';
import type { AgentStore } from '../server/ports/agent-store.port.ts';
import { createCaller } from '../server/routers/_app.ts';
import { createAgentService } from '../server/services/agent.service.ts';
import { createSystemService } from '../server/services/system.service.ts';
import type { AgentCreateInput } from '../shared/agent.schema.ts';
import type { StorageKind } from '../shared/system.schema.ts';

/** Services over a fresh store (in-memory unless given), as `main.ts` would wire them. */
export function buildServices(
  options: { store?: AgentStore; storage?: StorageKind } = {},
): Services {
  return {
    agents: createAgentService({ store: options.store ?? createMemoryAgentStore() }),
    system: createSystemService({
      storage: options.storage ?? 'memory',
      livekitConfigured: false,
      agentName: 'test-agent',
      version: '0.0.0-test',
    }),
  };
}

/** A router caller with a fresh context, and the lines it logged. */
export function buildCaller(options: { store?: AgentStore; storage?: StorageKind } = {}) {
  const logger = createMemoryLogger();
  const services = buildServices(options);
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
