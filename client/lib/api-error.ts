import { TRPCClientError } from '@trpc/client';
import { errorCode } from './trpc.ts';

/** What the dashboard needs from a failed call, whatever failed. */
export interface ApiErrorInfo {
  /** The tRPC code (`'BAD_REQUEST'`, `'CONFLICT'`, …), or `'NETWORK'` when no answer came. */
  code: string;
  message: string;
  /** `data.zodError.fieldErrors` from the server's error formatter: top-level input keys. */
  fieldErrors: Record<string, string[]>;
}

export function apiErrorInfo(error: unknown): ApiErrorInfo {
  const code = errorCode(error);
  if (error instanceof TRPCClientError) {
    return {
      code: code ?? 'NETWORK',
      message: code ? error.message : networkMessage(error),
      fieldErrors: fieldErrorsOf(error.data),
    };
  }
  return {
    code: 'UNKNOWN',
    message: error instanceof Error ? error.message : 'Something went wrong',
    fieldErrors: {},
  };
}

function networkMessage(error: Error): string {
  return /fetch|network|load failed/i.test(error.message)
    ? 'The server could not be reached. Check your connection and try again.'
    : error.message;
}

function fieldErrorsOf(data: unknown): Record<string, string[]> {
  if (typeof data !== 'object' || data === null || !('zodError' in data)) return {};
  const zodError = data.zodError;
  if (typeof zodError !== 'object' || zodError === null || !('fieldErrors' in zodError)) return {};
  const out: Record<string, string[]> = {};
  const fieldErrors = zodError.fieldErrors;
  if (typeof fieldErrors !== 'object' || fieldErrors === null) return out;
  for (const [key, value] of Object.entries(fieldErrors)) {
    if (Array.isArray(value)) out[key] = value.filter((m): m is string => typeof m === 'string');
  }
  return out;
}

/** A sentence for a toast or an error state: what happened and what to do. */
export function describeApiError(error: unknown): string {
  const info = apiErrorInfo(error);
  switch (info.code) {
    case 'SERVICE_UNAVAILABLE':
      // "Persistence is not configured" will not fix itself; a database that is down may.
      return /not configured/i.test(info.message)
        ? `${info.message.replace(/\.$/, '')} on the server: it needs its settings (see the banner above).`
        : `${info.message.replace(/\.$/, '')}. Try again in a moment.`;
    case 'INTERNAL_SERVER_ERROR':
      return 'Something went wrong on the server. Try again; if it keeps failing, check the server log.';
    default:
      return info.message;
  }
}
