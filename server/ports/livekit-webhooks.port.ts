import type { ParticipantKind } from '../../shared/call-session.schema.ts';

/** A LiveKit webhook after its signature, body hash and age were checked: the parts we read. */
export interface LiveKitWebhookEvent {
  /** LiveKit's unique event id (`EV_…`): a redelivery carries the same one. */
  id: string;
  /** `room_started`, `room_finished`, `participant_joined`, `participant_left`, `track_published`, … */
  type: string;
  /** When LiveKit made the event (whole seconds). */
  createdAt: Date;
  room: { name: string; sid: string } | null;
  participant: {
    identity: string;
    sid: string;
    kind: ParticipantKind;
    /** The participant's attributes; a SIP participant's carry `sip.callID`, `sip.phoneNumber`, … */
    attributes: Record<string, string>;
    /** Why it left (LiveKit's `DisconnectReason` by name, e.g. `SIP_TRUNK_FAILURE`), when given. */
    disconnectReason?: string;
  } | null;
}

/**
 * How long after LiveKit made an event it is still accepted, in both directions (clock skew): 5
 * minutes, the lifetime LiveKit gives the webhook's signature. LiveKit itself drops an event that
 * waited in its queue longer than 30 s, so a real delivery is never near this; an older event is
 * a replay (or a badly skewed clock) and is refused.
 */
export const WEBHOOK_MAX_AGE_MS = 5 * 60 * 1000;

/**
 * Checks a webhook as LiveKit sends it: `Authorization` holds a JWT signed with the API secret,
 * issued by the API key, whose `sha256` claim is the base64 sha-256 of the raw body.
 * Unsigned, wrongly signed, tampered, expired or stale (see WEBHOOK_MAX_AGE_MS) → an
 * UnauthorizedError; without LiveKit settings → ServiceUnavailableError (not-configured).
 */
export interface LiveKitWebhookVerifier {
  verify(rawBody: string, authorization: string | undefined): Promise<LiveKitWebhookEvent>;
}
