import { TRPCClientError } from '@trpc/client';
import type {
  ApiErrorDetails,
  ApiErrorReason,
  ApiIssue,
  ServiceName,
} from '../../shared/errors.ts';
import { errorCode } from './trpc.ts';

/**
 * What the dashboard needs from a failed call, read from the error contract (shared/errors.ts):
 * programs branch on `code` and `details.reason` and place `issues` by their path; `message` is
 * only ever shown.
 */
export interface ApiErrorInfo {
  /**
   * The tRPC code (`'BAD_REQUEST'`, `'CONFLICT'`, …); `'NETWORK'` when no answer came, `'UNKNOWN'`
   * for a failure that was not a call's.
   */
  code: string;
  message: string;
  /** Every problem with the input, each at the path of the value at fault. */
  issues: ApiIssue[];
  details: ApiErrorDetails | null;
}

export function apiErrorInfo(error: unknown): ApiErrorInfo {
  if (error instanceof TRPCClientError) {
    const code = errorCode(error);
    const data: unknown = error.data;
    if (code === undefined) {
      return {
        code: 'NETWORK',
        // fetch rejects with a TypeError when no answer comes (offline, refused, blocked).
        message:
          error.cause instanceof TypeError
            ? 'The server could not be reached. Check your connection and try again.'
            : error.message,
        issues: [],
        details: null,
      };
    }
    return { code, message: error.message, issues: issuesOf(data), details: detailsOf(data) };
  }
  return {
    code: 'UNKNOWN',
    message: error instanceof Error ? error.message : 'Something went wrong',
    issues: [],
    details: null,
  };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function issuesOf(data: unknown): ApiIssue[] {
  if (!isObject(data) || !Array.isArray(data.issues)) return [];
  return data.issues.flatMap((issue: unknown) =>
    isObject(issue) &&
    typeof issue.message === 'string' &&
    Array.isArray(issue.path) &&
    issue.path.every((segment: unknown): segment is string => typeof segment === 'string')
      ? [{ path: issue.path, message: issue.message }]
      : [],
  );
}

/** Every reason of the contract (a Record, so a new one in shared/errors.ts must be added here). */
const REASONS: Record<ApiErrorReason, true> = {
  'version-conflict': true,
  'agent-in-use': true,
  'version-pinned': true,
  'version-published': true,
  'number-taken': true,
  'room-in-use': true,
  'identity-in-use': true,
  'room-busy': true,
  'publish-busy': true,
  'not-found': true,
  'too-large': true,
  'not-configured': true,
  unavailable: true,
  timeout: true,
  unauthenticated: true,
  'invalid-report-token': true,
  'report-token-expired': true,
  'invalid-key': true,
  'key-revoked': true,
  'origin-not-allowed': true,
  forbidden: true,
  'people-only': true,
  'agent-not-allowed': true,
  'room-not-allowed': true,
  'last-owner': true,
  'wrong-account': true,
  'account-exists': true,
  'no-workspace': true,
  'setup-token': true,
  'setup-done': true,
  'rate-limited': true,
  'too-many-sessions': true,
  'sign-in-locked': true,
};
const KNOWN_REASONS: ReadonlySet<string> = new Set(Object.keys(REASONS));

/** The contract: a `reason` this dashboard does not know means "no details". */
function detailsOf(data: unknown): ApiErrorDetails | null {
  if (!isObject(data) || !isObject(data.details)) return null;
  const { reason } = data.details;
  return typeof reason === 'string' && KNOWN_REASONS.has(reason)
    ? (data.details as unknown as ApiErrorDetails)
    : null;
}

const SERVICE_NAMES: Record<ServiceName, string> = {
  database: 'The database',
  livekit: 'LiveKit',
  'livekit-sip': 'LiveKit’s SIP service',
  server: 'The server',
};

/** A sentence for a toast or an error state: what happened and what to do. */
export function describeApiError(error: unknown): string {
  const info = apiErrorInfo(error);
  const details = info.details;
  switch (details?.reason) {
    case 'not-configured':
      // Will not fix itself: the server needs its settings.
      return `${SERVICE_NAMES[details.service]} is not configured on the server: it needs its settings${details.service === 'database' ? ' (see the banner above)' : ''}.`;
    case 'unavailable':
      return `${SERVICE_NAMES[details.service]} is not answering. Try again in a moment.`;
    case 'timeout':
      return `${SERVICE_NAMES[details.service]} did not answer in time. Try again in a moment.`;
    default:
      break;
  }
  if (info.code === 'INTERNAL_SERVER_ERROR') {
    return 'Something went wrong on the server. Try again; if it keeps failing, check the server log.';
  }
  return info.message;
}
