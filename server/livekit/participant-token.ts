import { AccessToken, RoomAgentDispatch, RoomConfiguration } from 'livekit-server-sdk';
import type { ParticipantToken, ParticipantTokenRequest } from '../ports/livekit-rooms.port.ts';

export interface LiveKitCredentials {
  apiKey: string;
  apiSecret: string;
}

/**
 * A join token for one participant in one room: publish, subscribe and publish data, nothing
 * administrative. Its room configuration dispatches the agent with the job metadata — LiveKit
 * applies that only when this join creates the room (livekit/livekit#4390), which is why
 * `session.start` also dispatches explicitly; the token's copy covers a room that closed
 * (empty timeout) before the participant arrived.
 */
export async function mintParticipantToken(
  credentials: LiveKitCredentials,
  request: ParticipantTokenRequest,
): Promise<ParticipantToken> {
  const accessToken = new AccessToken(credentials.apiKey, credentials.apiSecret, {
    identity: request.identity,
    ttl: request.ttlSeconds,
  });
  accessToken.addGrant({
    roomJoin: true,
    room: request.roomName,
    canPublish: true,
    canSubscribe: true,
    canPublishData: true,
  });
  accessToken.roomConfig = new RoomConfiguration({
    agents: [new RoomAgentDispatch({ agentName: request.agentName, metadata: request.metadata })],
  });
  const token = await accessToken.toJwt();
  return { token, expiresAt: new Date(readExpiry(token) * 1000) };
}

/** The `exp` claim (seconds) of a JWT we just signed. */
function readExpiry(jwt: string): number {
  const payload = jwt.split('.')[1] ?? '';
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
    exp?: unknown;
  };
  if (typeof claims.exp !== 'number') throw new Error('the signed token has no exp claim');
  return claims.exp;
}

/** `ws(s)://` for clients, whichever scheme LIVEKIT_URL was given in. */
export function toWebSocketUrl(url: string): string {
  return url.replace(/^http(s?):\/\//i, 'ws$1://');
}

/** `http(s)://` for the server API. */
export function toHttpUrl(url: string): string {
  return url.replace(/^ws(s?):\/\//i, 'http$1://');
}

const JWT_LIKE = /eyJ[\w-]*\.[\w-]+\.[\w-]+/g;

/**
 * LiveKit echoes the request's token in some error messages ("invalid token: eyJ…"); such a token
 * carries admin grants, so it is cut out of anything that may reach a log or a client.
 */
export function redactTokens(text: string): string {
  return text.replace(JWT_LIKE, '[redacted token]');
}
