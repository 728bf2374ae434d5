import { describe, expect, test } from 'vitest';
import { describeLiveKitWebhookVerifierContract } from '../ports/livekit-webhooks.contract.ts';
import { webhookBody } from '../testing/webhooks.ts';
import { createLiveKitWebhookVerifier, signLiveKitWebhook } from './webhooks.ts';

describeLiveKitWebhookVerifierContract('livekit-server-sdk WebhookReceiver', {
  make: (options) => createLiveKitWebhookVerifier(options),
  sign: signLiveKitWebhook,
});

describe('LiveKit webhook verifier: what the refusal says', () => {
  test('the message says why, without the token', async () => {
    const verifier = createLiveKitWebhookVerifier({
      apiKey: 'k',
      apiSecret: 'a-webhook-secret-of-32-characters-or-more',
    });
    const body = webhookBody({ id: 'EV_1', event: 'room_started', createdAt: new Date() });
    const header = await signLiveKitWebhook({
      apiKey: 'k',
      apiSecret: 'wrong-secret-of-32-characters-or-more',
      body,
    });
    const error = await verifier.verify(body, header).catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ message: 'Webhook refused: its signature does not hold' });
    expect(String((error as Error).message)).not.toContain(header);
  });
});
