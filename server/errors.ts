import { z } from 'zod';
import type { ApiErrorDetails, ApiIssue, AppErrorCode, ServiceName } from '../shared/errors.ts';
import { TOO_LARGE_REASON } from '../shared/errors.ts';
import type { Permission } from '../shared/auth.schema.ts';
import { pathSegment, toApiIssues } from '../shared/issues.ts';
import { formatPath } from '../shared/json-guard.ts';

export interface AppErrorOptions {
  cause?: unknown;
  /** Every problem with the input, each with the path of the value at fault. */
  issues?: ApiIssue[];
  details?: ApiErrorDetails;
}

/**
 * Domain errors. Services throw these and never import `@trpc/server`; `toTRPCError` in
 * `server/trpc.ts` is the one place they become tRPC errors. What programs read is `code`,
 * `issues` and `details`; the message is for people.
 */
export abstract class AppError extends Error {
  abstract readonly code: AppErrorCode;
  readonly issues: ApiIssue[];
  readonly details: ApiErrorDetails | null;
  constructor(message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.issues = options.issues ?? [];
    this.details = options.details ?? null;
  }
}

/** Input broke a rule. Give `issues` (or use {@link invalidInput}) so clients can place it. */
export class ValidationError extends AppError {
  readonly code = 'BAD_REQUEST';
}
export class NotFoundError extends AppError {
  readonly code = 'NOT_FOUND';
}
export class ConflictError extends AppError {
  readonly code = 'CONFLICT';
}
export class PayloadTooLargeError extends AppError {
  readonly code = 'PAYLOAD_TOO_LARGE';
}
/** No signed-in user or key: nobody to authorize. */
export class UnauthorizedError extends AppError {
  readonly code = 'UNAUTHORIZED';
  constructor(message = 'Sign in, or send an API key', options: AppErrorOptions = {}) {
    super(message, { details: { reason: 'unauthenticated' }, ...options });
  }
}
/**
 * A known caller whose role or scopes lack the permission. Only for things the caller may see:
 * another workspace's records are NOT_FOUND, never this (their existence is not told).
 */
export class ForbiddenError extends AppError {
  readonly code = 'FORBIDDEN';
  constructor(permission: Permission, options: AppErrorOptions = {}) {
    super(`This needs the ${permission} permission, which your role or key does not have`, {
      details: { reason: 'forbidden', permission },
      ...options,
    });
  }
}
/** A known caller refused for another reason than a permission (details say which). */
export class RefusedError extends AppError {
  readonly code = 'FORBIDDEN';
}
/**
 * Over a rate or concurrency limit. The HTTP layer sends `Retry-After` from
 * `details.retryAfterSeconds`.
 */
export class TooManyRequestsError extends AppError {
  readonly code = 'TOO_MANY_REQUESTS';
}

/**
 * Something another request holds right now (a room another start is working on, maybe on another
 * server instance): try again in `details.retryAfterSeconds` (also sent as `Retry-After`).
 */
export class BusyError extends AppError {
  readonly code = 'SERVICE_UNAVAILABLE';
}

/** A dependency is missing or down. The message is safe to show to users. */
export class ServiceUnavailableError extends AppError {
  readonly code = 'SERVICE_UNAVAILABLE';
  constructor(
    message: string,
    options: AppErrorOptions & {
      service: ServiceName;
      reason: 'not-configured' | 'unavailable' | 'timeout';
    },
  ) {
    super(message, {
      ...options,
      details: { reason: options.reason, service: options.service },
    });
  }
}

/** A BAD_REQUEST about one value: the message says what is wrong, `path` says where. */
export function invalidInput(path: readonly PropertyKey[], message: string): ValidationError {
  return new ValidationError(withPath(path, message), {
    issues: [{ path: path.map(pathSegment), message }],
  });
}

/** `config.llm.temperature: Must be at most 2` — for people, every issue names its path. */
export function describeIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): string {
  return issues.map((issue) => withPath(issue.path, issue.message)).join('; ');
}

function withPath(path: readonly PropertyKey[], message: string): string {
  const at = formatPath(path);
  // Messages written by our schemas often name their field already.
  if (!at || message.startsWith(at) || message.startsWith(String(path.at(-1)))) return message;
  return `${at}: ${message}`;
}

interface TooLargeParams {
  reason: typeof TOO_LARGE_REASON;
  limitBytes?: number;
  actualBytes?: number | null;
}

function tooLargeParams(error: z.ZodError): TooLargeParams | undefined {
  for (const issue of error.issues) {
    const params =
      issue.code === 'custom' ? (issue.params as TooLargeParams | undefined) : undefined;
    if (params?.reason === TOO_LARGE_REASON) return params;
  }
  return undefined;
}

/**
 * A ZodError becomes a BAD_REQUEST (or PAYLOAD_TOO_LARGE for a size limit) with one issue per
 * problem; `basePath` is where the parsed value sits in the procedure's input.
 */
export function fromZodError(error: z.ZodError, basePath: readonly PropertyKey[] = []): AppError {
  const paths = error.issues.map((issue) => ({
    path: [...basePath, ...issue.path],
    message: issue.message,
  }));
  const options = { cause: error, issues: toApiIssues(error.issues, basePath) };
  const params = tooLargeParams(error);
  if (params) {
    return new PayloadTooLargeError(describeIssues(paths), {
      ...options,
      details: {
        reason: 'too-large',
        limitBytes: params.limitBytes ?? 0,
        actualBytes: params.actualBytes ?? null,
      },
    });
  }
  return new ValidationError(describeIssues(paths), options);
}

/** Parses with a shared schema; failures become AppErrors whose issues carry the paths. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  input: unknown,
  basePath: readonly PropertyKey[] = [],
): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw fromZodError(result.error, basePath);
  return result.data;
}

export function findZodError(error: unknown): z.ZodError | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof z.ZodError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export const GENERIC_INTERNAL_MESSAGE = 'Something went wrong on our side. It has been logged.';
