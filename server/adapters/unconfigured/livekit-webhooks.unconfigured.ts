import { ServiceUnavailableError } from '../../errors.ts';
import type { LiveKitWebhookVerifier } from '../../ports/livekit-webhooks.port.ts';
import { LIVEKIT_NOT_CONFIGURED } from './livekit-rooms.unconfigured.ts';

/** Without LIVEKIT_API_KEY / LIVEKIT_API_SECRET no webhook can be checked: each is refused. */
export function createUnconfiguredWebhookVerifier(): LiveKitWebhookVerifier {
  return {
    async verify() {
      throw new ServiceUnavailableError(LIVEKIT_NOT_CONFIGURED, {
        service: 'livekit',
        reason: 'not-configured',
      });
    },
  };
}
