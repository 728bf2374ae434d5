import type { ParticipantKind } from '../../shared/call-session.schema.ts';

export interface WebhookFixture {
  id: string;
  event: string;
  createdAt: Date;
  room?: { name: string; sid?: string };
  participant?: {
    identity: string;
    sid?: string;
    kind?: ParticipantKind;
    /** A SIP participant's carry `sip.callID`, `sip.phoneNumber`, `sip.trunkPhoneNumber`, … */
    attributes?: Record<string, string>;
    /** LiveKit's `DisconnectReason` by name (`SIP_TRUNK_FAILURE`), as protojson writes enums. */
    disconnectReason?: string;
  };
}

const KIND_NAMES: Record<ParticipantKind, string> = {
  standard: 'STANDARD',
  ingress: 'INGRESS',
  egress: 'EGRESS',
  sip: 'SIP',
  agent: 'AGENT',
};

/**
 * A webhook body as livekit-server writes it (protojson: camelCase names, int64 as strings, enums
 * by name, STANDARD and other default values left out).
 */
export function webhookBody(fixture: WebhookFixture): string {
  const seconds = String(Math.floor(fixture.createdAt.getTime() / 1000));
  const room = fixture.room && {
    sid: fixture.room.sid ?? 'RM_fixture',
    name: fixture.room.name,
    emptyTimeout: 300,
    creationTime: seconds,
  };
  const participant = fixture.participant && {
    sid: fixture.participant.sid ?? `PA_${fixture.participant.identity}`,
    identity: fixture.participant.identity,
    state: 'ACTIVE',
    joinedAt: seconds,
    ...(fixture.participant.kind &&
      fixture.participant.kind !== 'standard' && { kind: KIND_NAMES[fixture.participant.kind] }),
    ...(fixture.participant.attributes && { attributes: fixture.participant.attributes }),
    ...(fixture.participant.disconnectReason && {
      disconnectReason: fixture.participant.disconnectReason,
    }),
  };
  return JSON.stringify({
    event: fixture.event,
    ...(room && { room }),
    ...(participant && { participant }),
    id: fixture.id,
    createdAt: seconds,
  });
}
