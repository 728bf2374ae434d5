import { ServiceUnavailableError } from '../../errors.ts';
import type { SipDispatch } from '../../ports/sip-dispatch.port.ts';
import { LIVEKIT_NOT_CONFIGURED } from './livekit-rooms.unconfigured.ts';

/**
 * LiveKit's SIP API for a server without LIVEKIT_URL / LIVEKIT_API_KEY / LIVEKIT_API_SECRET:
 * every call answers SERVICE_UNAVAILABLE "LiveKit is not configured". Routes are still saved (and
 * marked out of sync) by the telephony service; `telephony.sync` repairs them once LiveKit is set.
 */
export function createUnconfiguredSip(): SipDispatch {
  const refuse = async (): Promise<never> => {
    throw new ServiceUnavailableError(LIVEKIT_NOT_CONFIGURED, {
      service: 'livekit-sip',
      reason: 'not-configured',
    });
  };
  return {
    listInboundTrunks: refuse,
    createInboundTrunk: refuse,
    setInboundTrunkNumbers: refuse,
    deleteInboundTrunk: refuse,
    listDispatchRules: refuse,
    createDispatchRule: refuse,
    replaceDispatchRule: refuse,
    deleteDispatchRule: refuse,
  };
}
