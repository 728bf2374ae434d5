import { createHash } from 'node:crypto';
import { AccessToken, WebhookReceiver } from 'livekit-server-sdk';
import type { ParticipantKind } from '../../shared/call-session.schema.ts';
import { UnauthorizedError } from '../errors.ts';
import {
  WEBHOOK_MAX_AGE_MS,
  type LiveKitWebhookEvent,
  type LiveKitWebhookVerifier,
} from '../ports/livekit-webhooks.port.ts';

/** `ParticipantInfo.Kind` in livekit/protocol's livekit_models.proto (not exported by the SDK). */
const PARTICIPANT_KINDS: Readonly<Record<number, ParticipantKind>> = {
  0: 'standard',
  1: 'ingress',
  2: 'egress',
  3: 'sip',
  4: 'agent',
};

/**
 * `DisconnectReason` in livekit/protocol's livekit_models.proto, by number (the SDK does not
 * export the enum): stored by name, so a record reads the same whatever the protocol version.
 */
const DISCONNECT_REASONS = [
  'UNKNOWN_REASON',
  'CLIENT_INITIATED',
  'DUPLICATE_IDENTITY',
  'SERVER_SHUTDOWN',
  'PARTICIPANT_REMOVED',
  'ROOM_DELETED',
  'STATE_MISMATCH',
  'JOIN_FAILURE',
  'MIGRATION',
  'SIGNAL_CLOSE',
  'ROOM_CLOSED',
  'USER_UNAVAILABLE',
  'USER_REJECTED',
  'SIP_TRUNK_FAILURE',
  'CONNECTION_TIMEOUT',
  'MEDIA_FAILURE',
  'AGENT_ERROR',
] as const;

export interface LiveKitWebhookVerifierOptions {
  apiKey: string;
  apiSecret: string;
  /** The clock the event's age is measured by (tests pin it). */
  now?: () => Date;
}

/** LiveKitWebhookVerifier over livekit-server-sdk's WebhookReceiver. */
export function createLiveKitWebhookVerifier(
  options: LiveKitWebhookVerifierOptions,
): LiveKitWebhookVerifier {
  const receiver = new WebhookReceiver(options.apiKey, options.apiSecret);
  const now = options.now ?? (() => new Date());
  return {
    async verify(rawBody, authorization) {
      if (!authorization) throw unverified('the Authorization header is missing');
      let event: Awaited<ReturnType<WebhookReceiver['receive']>>;
      try {
        // Checks the JWT's signature, issuer (the API key) and expiry, then the body's sha-256.
        event = await receiver.receive(rawBody, authorization);
      } catch (error) {
        throw unverified('its signature does not hold', error);
      }
      const createdAt = new Date(Number(event.createdAt) * 1000);
      const age = now().getTime() - createdAt.getTime();
      if (!event.id || !Number.isFinite(age) || Math.abs(age) > WEBHOOK_MAX_AGE_MS) {
        throw unverified('it is stale (or has no id or time)');
      }
      const reason = event.participant?.disconnectReason ?? 0;
      const participant = event.participant
        ? {
            identity: event.participant.identity,
            sid: event.participant.sid,
            kind: PARTICIPANT_KINDS[event.participant.kind] ?? 'standard',
            attributes: { ...event.participant.attributes },
            ...(reason !== 0 && {
              disconnectReason: DISCONNECT_REASONS[reason] ?? `REASON_${reason}`,
            }),
          }
        : null;
      return {
        id: event.id,
        type: event.event,
        createdAt,
        room: event.room ? { name: event.room.name, sid: event.room.sid } : null,
        participant,
      } satisfies LiveKitWebhookEvent;
    },
  };
}

function unverified(why: string, cause?: unknown): UnauthorizedError {
  return new UnauthorizedError(`Webhook refused: ${why}`, cause === undefined ? {} : { cause });
}

/**
 * Signs a webhook body exactly as LiveKit does (livekit/livekit `pkg/service` webhook notifier:
 * an access token of the API key, valid 5 minutes, whose `sha256` claim is the base64 sha-256 of
 * the body): for tests, and for sending a hand-made event to a server.
 */
export async function signLiveKitWebhook(options: {
  apiKey: string;
  apiSecret: string;
  body: string;
}): Promise<string> {
  const token = new AccessToken(options.apiKey, options.apiSecret, { ttl: '5m' });
  token.sha256 = createHash('sha256').update(options.body).digest('base64');
  return token.toJwt();
}
