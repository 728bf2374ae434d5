import { describe, expect, test } from 'vitest';
import { testLiveKit } from '../../scripts/testing/services.ts';
import { ServiceUnavailableError } from '../errors.ts';
import { describeSipDispatchContract } from '../ports/sip-dispatch.contract.ts';
import { createLiveKitSip } from './sip.ts';

// The real adapter against the LiveKit server of the global setup, which this project points at
// a Redis (LiveKit's SIP API stores trunks and rules there).

describeSipDispatchContract('LiveKit + Redis', async () => {
  const { url, apiKey, apiSecret } = testLiveKit();
  return createLiveKitSip({ url, apiKey, apiSecret, timeoutMs: 5000 });
});

describe('LiveKit SIP adapter: failures', () => {
  test('wrong credentials: SERVICE_UNAVAILABLE naming the settings, never the secret', async () => {
    const { url, apiKey } = testLiveKit();
    const secret = 'wrong-secret-that-must-not-leak-0123456789abcdef';
    const sip = createLiveKitSip({ url, apiKey, apiSecret: secret, timeoutMs: 5000 });
    const error = await sip.listDispatchRules().catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).message).toMatch(/LIVEKIT_API_KEY and LIVEKIT_API_SECRET/);
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(secret);
  });

  test('nothing listening: SERVICE_UNAVAILABLE at once, the raw create call included', async () => {
    const sip = createLiveKitSip({
      url: 'ws://127.0.0.1:9',
      apiKey: 'k',
      apiSecret: 's'.repeat(32),
      // Longer than the test's own timeout: only the refused connection can answer in time.
      timeoutMs: 60_000,
    });
    await expect(sip.listInboundTrunks()).rejects.toThrow(
      /LiveKit is not answering \(cannot connect\)/,
    );
    await expect(sip.listInboundTrunks()).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(
      sip.createDispatchRule({
        name: 'x',
        trunkId: 'ST_x',
        number: '+15550000000',
        roomPrefix: 'p',
        agents: [],
      }),
    ).rejects.toThrow(/LiveKit is not answering \(cannot connect\)/);
  });
});
