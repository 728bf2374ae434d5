import { ServiceUnavailableError } from '../../errors.ts';
import type { AgentStore } from '../../ports/agent-store.port.ts';

export const PERSISTENCE_NOT_CONFIGURED = 'Persistence is not configured';

/**
 * The store of a production server without MONGODB_URI: every call answers
 * SERVICE_UNAVAILABLE instead of silently keeping agents in memory (the seed's behaviour).
 */
export function createUnconfiguredAgentStore(): AgentStore {
  const refuse = async (): Promise<never> => {
    throw new ServiceUnavailableError(PERSISTENCE_NOT_CONFIGURED, {
      service: 'database',
      reason: 'not-configured',
    });
  };
  return {
    list: refuse,
    get: refuse,
    namesByIds: refuse,
    create: refuse,
    update: refuse,
    softDelete: refuse,
    ping: refuse,
  };
}
