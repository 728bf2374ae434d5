/**
 * What the client may branch on. Error codes are tRPC's; the zod issue carrying
 * `params.reason === TOO_LARGE_REASON` is how an oversized config is recognised as
 * PAYLOAD_TOO_LARGE rather than BAD_REQUEST.
 */
export const TOO_LARGE_REASON = 'too_large';

/** tRPC error codes Switchboard answers with, and that the dashboard handles by name. */
export const APP_ERROR_CODES = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
] as const;
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

/** Errors a retry cannot fix: the client shows them instead of retrying. */
export const NON_RETRYABLE_CODES: ReadonlySet<string> = new Set([
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
]);
