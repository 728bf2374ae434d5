import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { z } from 'zod';
import { TOO_LARGE_REASON } from '../shared/errors.ts';
import { formatPath } from '../shared/json-guard.ts';

/**
 * Domain errors. Services throw these and never import `@trpc/server`; `toTRPCError` is the one
 * place they become tRPC codes.
 */
export abstract class AppError extends Error {
  abstract readonly code: TRPC_ERROR_CODE_KEY;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input broke a rule; `cause` is the ZodError when a schema found it. */
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
/** A dependency is missing or down. The message is safe to show to users. */
export class ServiceUnavailableError extends AppError {
  readonly code = 'SERVICE_UNAVAILABLE';
}
export class UnauthorizedError extends AppError {
  readonly code = 'UNAUTHORIZED';
}

/** `config.llm.temperature: Too big: expected number to be <=2` — every issue names its path. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = formatPath(issue.path);
      // Messages written by our schemas often name their field already.
      if (
        !path ||
        issue.message.startsWith(path) ||
        issue.message.startsWith(lastSegment(issue.path))
      )
        return issue.message;
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

function lastSegment(path: readonly PropertyKey[]): string {
  const last = path.at(-1);
  return last === undefined ? '\u0000' : String(last);
}

export function isTooLarge(error: z.ZodError): boolean {
  return error.issues.some(
    (issue) =>
      issue.code === 'custom' &&
      (issue.params as { reason?: unknown } | undefined)?.reason === TOO_LARGE_REASON,
  );
}

/** A ZodError becomes a BAD_REQUEST (or PAYLOAD_TOO_LARGE for a size limit) naming each path. */
export function fromZodError(error: z.ZodError): AppError {
  const message = describeZodError(error);
  return isTooLarge(error)
    ? new PayloadTooLargeError(message, { cause: error })
    : new ValidationError(message, { cause: error });
}

/** Parses with a shared schema; failures become AppErrors that name the path. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw fromZodError(result.error);
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

/**
 * The only place domain errors become tRPC errors. tRPC wraps whatever a resolver throws in a
 * TRPCError (INTERNAL_SERVER_ERROR, with the thrown error as `cause`); this unwraps AppErrors to
 * their own code and message, turns input ZodErrors into messages that name each path, and hides
 * the message of anything unexpected behind a generic one (the cause is kept for the logs).
 */
export function toTRPCError(error: unknown): TRPCError {
  const cause = error instanceof TRPCError ? error.cause : error;
  if (cause instanceof AppError) {
    return new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  if (error instanceof TRPCError) {
    const zodError = error.code === 'BAD_REQUEST' ? findZodError(error.cause) : undefined;
    if (zodError) {
      const appError = fromZodError(zodError);
      return new TRPCError({ code: appError.code, message: appError.message, cause: zodError });
    }
    if (error.code !== 'INTERNAL_SERVER_ERROR') return error;
  }
  return new TRPCError({
    code: 'INTERNAL_SERVER_ERROR',
    message: GENERIC_INTERNAL_MESSAGE,
    cause: cause ?? error,
  });
}
