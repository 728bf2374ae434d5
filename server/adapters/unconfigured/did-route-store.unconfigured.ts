import { ServiceUnavailableError } from '../../errors.ts';
import type { DidRouteStore } from '../../ports/did-route-store.port.ts';
import { PERSISTENCE_NOT_CONFIGURED } from './agent-store.unconfigured.ts';

/**
 * The route store of a production server without MONGODB_URI: every call answers
 * SERVICE_UNAVAILABLE "Persistence is not configured", as the agent store does.
 */
export function createUnconfiguredDidRouteStore(): DidRouteStore {
  const refuse = async (): Promise<never> => {
    throw new ServiceUnavailableError(PERSISTENCE_NOT_CONFIGURED, {
      service: 'database',
      reason: 'not-configured',
    });
  };
  return {
    list: refuse,
    get: refuse,
    listAllLive: refuse,
    getMany: refuse,
    findByDid: refuse,
    findLiveByDid: refuse,
    listByAgent: refuse,
    create: refuse,
    update: refuse,
    softDelete: refuse,
    setSync: refuse,
    ping: refuse,
  };
}
