/**
 * The error contract every client may rely on. Over tRPC a failure's `error.data` is
 * {@link ApiErrorData}; the REST-style answers the HTTP layer writes itself (403 and 415 from its
 * browser checks, 405, 413, 503 on a timeout) use the same shape. `code`, `issues[].path` and
 * `details` are for programs; messages are for people and may change at any time: never parse
 * them.
 */

import type { Permission } from './auth.schema.ts';

/** A zod issue carrying `params.reason === TOO_LARGE_REASON` makes the error PAYLOAD_TOO_LARGE. */
export const TOO_LARGE_REASON = 'too_large';

/** tRPC error codes Switchboard answers with, and that the dashboard handles by name. */
export const APP_ERROR_CODES = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_SUPPORTED',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'TOO_MANY_REQUESTS',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
] as const;
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

/** Errors a retry cannot fix: the client shows them instead of retrying. */
export const NON_RETRYABLE_CODES: ReadonlySet<string> = new Set([
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_SUPPORTED',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
]);

/**
 * One problem with the input. `path` leads from the procedure's input to the value at fault
 * (`['config', 'tools', '2', 'name']`; array indexes as decimal strings, `[]` for the input as a
 * whole); `message` says what is wrong, for people.
 */
export interface ApiIssue {
  path: string[];
  message: string;
}

/** A dependency Switchboard needs. */
export type ServiceName = 'database' | 'livekit' | 'livekit-sip' | 'server';

/**
 * Machine-readable facts about a domain error, told apart by `reason`. Clients branch on
 * `reason` and read the fields; an unknown `reason` is to be treated as "no details".
 */
export type ApiErrorDetails =
  /** `agents.update` from a stale copy; `currentVersion` is what to reload. */
  | {
      reason: 'version-conflict';
      agentId: string;
      expectedVersion: number;
      currentVersion: number;
    }
  /**
   * `agents.deleteVersion` of a version phone numbers (E.164, sorted) are pinned to
   * (`version-pinned`), or of the published version (`version-published`, `numbers` empty).
   */
  | {
      reason: 'version-pinned' | 'version-published';
      agentId: string;
      version: number;
      numbers: string[];
    }
  /** Deleting an agent that phone numbers (E.164, sorted) still route to. */
  | { reason: 'agent-in-use'; agentId: string; agentName: string | null; numbers: string[] }
  /** No signed-in user or key came with the request. */
  | { reason: 'unauthenticated' }
  /** A key that is unknown or revoked, or a publishable key used from an origin it does not list. */
  | { reason: 'invalid-key' | 'key-revoked' | 'origin-not-allowed' }
  /**
   * A worker's call report (`POST /api/sessions/:id/report`) whose bearer token is missing, not
   * ours, another call's, or past its `expiresAt`.
   */
  | { reason: 'invalid-report-token' | 'report-token-expired' }
  /** Something a key may not do whatever its scopes (account pages; a publishable key's limits). */
  | { reason: 'people-only' | 'agent-not-allowed' | 'room-not-allowed' }
  /** A workspace keeps one owner at least. */
  | { reason: 'last-owner'; userId: string }
  /** Accepting an invitation by creating an account, for an e-mail that has one: sign in first. */
  | { reason: 'account-exists'; email: string }
  /** An invitation opened by an account with another e-mail than the invited one. */
  | { reason: 'wrong-account'; email: string }
  /** Signed in, but not a member of any workspace yet (create one, or accept an invitation). */
  | { reason: 'no-workspace' }
  /** First start: a wrong setup token, or setup was done already. */
  | { reason: 'setup-token' | 'setup-done' }
  /** Too many requests: try again in `retryAfterSeconds` (also the `Retry-After` header). */
  | {
      reason: 'rate-limited' | 'too-many-sessions' | 'sign-in-locked';
      retryAfterSeconds: number;
      limit: number;
    }
  /** The caller's role or scopes do not include `permission`, which the procedure needs. */
  | { reason: 'forbidden'; permission: Permission }
  /**
   * A phone number that another live route of the same workspace already has. A number routed
   * in another workspace is a CONFLICT without details (nothing of that workspace is told).
   */
  | { reason: 'number-taken'; did: string; routeId: string; agentId: string }
  /** `session.start` into a room whose agent dispatch carries another agent or config. */
  | { reason: 'room-in-use'; roomName: string; agentName: string }
  /**
   * `session.start` (SERVICE_UNAVAILABLE) for a room another start, maybe on another server
   * instance, kept busy for longer than a start waits: try again in `retryAfterSeconds`.
   */
  | { reason: 'room-busy'; roomName: string; retryAfterSeconds: number }
  /** `agents.publish` / `agents.restore` lost the race for a version number too many times. */
  | { reason: 'publish-busy'; agentId: string; retryAfterSeconds: number }
  /** `session.start` with a `userIdentity` that is connected to that room already. */
  | { reason: 'identity-in-use'; roomName: string; identity: string }
  /** What was looked for and not found, or is another workspace's: the two look the same. */
  | {
      reason: 'not-found';
      resource:
        | 'agent'
        | 'route'
        | 'number'
        | 'workspace'
        | 'member'
        | 'invitation'
        | 'key'
        | 'room'
        | 'session'
        | 'agent-version';
      id: string;
    }
  /** A body or document over its limit. */
  | { reason: 'too-large'; limitBytes: number; actualBytes: number | null }
  /**
   * A dependency that cannot answer: `not-configured` will not fix itself (the server needs its
   * settings), `unavailable` and `timeout` may on a retry.
   */
  | { reason: 'not-configured' | 'unavailable' | 'timeout'; service: ServiceName };

export type ApiErrorReason = ApiErrorDetails['reason'];

/** `error.data` of every failed call. */
export interface ApiErrorData {
  code: AppErrorCode;
  httpStatus: number;
  /** The procedure, when one was called. */
  path?: string;
  /** Every problem with the input; empty when the error is not about the input. */
  issues: ApiIssue[];
  details: ApiErrorDetails | null;
  /** Only from a development server. */
  stack?: string;
}
