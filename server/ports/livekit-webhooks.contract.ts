import { describe, expect, test } from 'vitest';
import { AppError } from '../errors.ts';
import { webhookBody } from '../testing/webhooks.ts';
import { WEBHOOK_MAX_AGE_MS, type LiveKitWebhookVerifier } from './livekit-webhooks.port.ts';

export interface WebhookVerifierHarness {
  /** A verifier of webhooks signed with `apiKey`/`apiSecret`, its clock at `now`. */
  make(options: { apiKey: string; apiSecret: string; now: () => Date }): LiveKitWebhookVerifier;
  /** The Authorization header LiveKit would send with `body`. */
  sign(options: { apiKey: string; apiSecret: string; body: string }): Promise<string>;
}

const KEY = 'webhook-key';
const SECRET = 'a-webhook-secret-of-32-characters-or-more';

/**
 * The behaviour every LiveKitWebhookVerifier must have. Signed bodies are made as LiveKit makes
 * them (`harness.sign`); the verifier's clock is pinned near the events' time.
 */
export function describeLiveKitWebhookVerifierContract(
  name: string,
  harness: WebhookVerifierHarness,
): void {
  describe(`LiveKitWebhookVerifier contract: ${name}`, () => {
    const at = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));
    const verifierAt = (now: Date) =>
      harness.make({ apiKey: KEY, apiSecret: SECRET, now: () => now });
    const body = webhookBody({
      id: 'EV_1',
      event: 'participant_joined',
      createdAt: at,
      room: { name: 'support:1', sid: 'RM_1' },
      participant: { identity: 'agent-x', sid: 'PA_1', kind: 'agent' },
    });
    const signed = () => harness.sign({ apiKey: KEY, apiSecret: SECRET, body });
    const refusal = async (promise: Promise<unknown>) => {
      const error = await promise.then(
        () => new Error('expected a refusal'),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppError);
      return (error as AppError).code;
    };

    test('a body signed as LiveKit signs it is read: id, type, time, room, participant and its kind', async () => {
      expect(await verifierAt(at).verify(body, await signed())).toEqual({
        id: 'EV_1',
        type: 'participant_joined',
        createdAt: at,
        room: { name: 'support:1', sid: 'RM_1' },
        participant: { identity: 'agent-x', sid: 'PA_1', kind: 'agent', attributes: {} },
      });
    });

    test('a SIP participant’s attributes and a disconnect reason are read (the reason by name)', async () => {
      const sipLeft = webhookBody({
        id: 'EV_4',
        event: 'participant_left',
        createdAt: at,
        room: { name: 'call_1', sid: 'RM_2' },
        participant: {
          identity: 'sip_+15550001111',
          kind: 'sip',
          attributes: { 'sip.callID': 'SCL_1', 'sip.phoneNumber': '+15550001111' },
          disconnectReason: 'SIP_TRUNK_FAILURE',
        },
      });
      const header = await harness.sign({ apiKey: KEY, apiSecret: SECRET, body: sipLeft });
      expect((await verifierAt(at).verify(sipLeft, header)).participant).toEqual({
        identity: 'sip_+15550001111',
        sid: 'PA_sip_+15550001111',
        kind: 'sip',
        attributes: { 'sip.callID': 'SCL_1', 'sip.phoneNumber': '+15550001111' },
        disconnectReason: 'SIP_TRUNK_FAILURE',
      });
    });

    test('a participant without a kind is standard; an event without participant has null', async () => {
      const plain = webhookBody({
        id: 'EV_2',
        event: 'room_started',
        createdAt: at,
        room: { name: 'r' },
      });
      const withCaller = webhookBody({
        id: 'EV_3',
        event: 'participant_joined',
        createdAt: at,
        room: { name: 'r' },
        participant: { identity: 'caller' },
      });
      const verifier = verifierAt(at);
      const sign = (b: string) => harness.sign({ apiKey: KEY, apiSecret: SECRET, body: b });
      expect(await verifier.verify(plain, await sign(plain))).toMatchObject({ participant: null });
      expect(await verifier.verify(withCaller, await sign(withCaller))).toMatchObject({
        participant: { identity: 'caller', kind: 'standard' },
      });
    });

    test('unsigned is UNAUTHORIZED', async () => {
      expect(await refusal(verifierAt(at).verify(body, undefined))).toBe('UNAUTHORIZED');
      expect(await refusal(verifierAt(at).verify(body, ''))).toBe('UNAUTHORIZED');
    });

    test('signed with another secret, or by another key, is UNAUTHORIZED', async () => {
      const otherSecret = await harness.sign({
        apiKey: KEY,
        apiSecret: 'another-secret-of-32-characters-or-more',
        body,
      });
      const otherKey = await harness.sign({ apiKey: 'other-key', apiSecret: SECRET, body });
      expect(await refusal(verifierAt(at).verify(body, otherSecret))).toBe('UNAUTHORIZED');
      expect(await refusal(verifierAt(at).verify(body, otherKey))).toBe('UNAUTHORIZED');
    });

    test('a body changed after signing (one byte) is UNAUTHORIZED', async () => {
      const header = await signed();
      const tampered = body.replace('agent-x', 'agent-y');
      expect(await refusal(verifierAt(at).verify(tampered, header))).toBe('UNAUTHORIZED');
    });

    test(`an event older (or newer) than ${WEBHOOK_MAX_AGE_MS / 60_000} minutes is UNAUTHORIZED; at the bound it is read`, async () => {
      const header = await signed();
      const shifted = (ms: number) => new Date(at.getTime() + ms);
      expect(
        await refusal(verifierAt(shifted(WEBHOOK_MAX_AGE_MS + 1000)).verify(body, header)),
      ).toBe('UNAUTHORIZED');
      expect(
        await refusal(verifierAt(shifted(-WEBHOOK_MAX_AGE_MS - 1000)).verify(body, header)),
      ).toBe('UNAUTHORIZED');
      await expect(
        verifierAt(shifted(WEBHOOK_MAX_AGE_MS)).verify(body, header),
      ).resolves.toMatchObject({ id: 'EV_1' });
    });
  });
}
