import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { ApiErrorData, ApiErrorDetails, ApiIssue } from '../shared/errors.ts';
import { friendlyIssueMessage } from '../shared/issues.ts';
import type { Context } from './context.ts';
import { AppError, fromZodError, findZodError, GENERIC_INTERNAL_MESSAGE } from './errors.ts';

// zod's default messages, said for people ("Must be at most 2"); a schema's own message still wins.
z.config({ customError: friendlyIssueMessage });

/** What a TRPCError carries for the error formatter: the contract's machine-readable parts. */
class ContractError extends TRPCError {
  readonly issues: ApiIssue[];
  readonly details: ApiErrorDetails | null;
  constructor(appError: AppError) {
    super({ code: appError.code, message: appError.message, cause: appError });
    this.issues = appError.issues;
    this.details = appError.details;
  }
}

/**
 * The only place errors become tRPC errors. tRPC wraps whatever a resolver throws in a TRPCError
 * (INTERNAL_SERVER_ERROR, with the thrown error as `cause`) and an input that fails its schema in
 * a BAD_REQUEST whose cause is the ZodError: AppErrors keep their code, message, issues and
 * details; input ZodErrors become issues with paths; anything unexpected gets a generic message
 * (its cause is kept for the log).
 */
export function toTRPCError(error: unknown): TRPCError {
  if (error instanceof ContractError) return error;
  const cause = error instanceof TRPCError ? error.cause : error;
  if (cause instanceof AppError) return new ContractError(cause);
  if (error instanceof TRPCError) {
    const zodError = error.code === 'BAD_REQUEST' ? findZodError(error.cause) : undefined;
    if (zodError) return new ContractError(fromZodError(zodError));
    if (error.code !== 'INTERNAL_SERVER_ERROR') return error;
  }
  return new TRPCError({
    code: 'INTERNAL_SERVER_ERROR',
    message: GENERIC_INTERNAL_MESSAGE,
    cause: cause ?? error,
  });
}

const t = initTRPC.context<Context>().create({
  // Stack traces only ever reach a client of a development server.
  isDev: process.env.NODE_ENV === 'development',
  errorFormatter({ shape, error }) {
    const contract = error instanceof ContractError ? error : undefined;
    const data: ApiErrorData = {
      ...shape.data,
      code: shape.data.code as ApiErrorData['code'],
      issues: contract?.issues ?? [],
      details: contract?.details ?? null,
    };
    return { ...shape, data };
  },
});

/** Converts every failure below it (input parsing included) with `toTRPCError`. */
const errorConversion = t.middleware(async ({ next, ctx, path, type }) => {
  const result = await next();
  if (result.ok) return result;
  const converted = toTRPCError(result.error);
  if (converted.code === 'INTERNAL_SERVER_ERROR') {
    ctx.logger.error('procedure failed', { path, type, error: converted.cause ?? converted });
  }
  throw converted;
});

export const router = t.router;
export const publicProcedure = t.procedure.use(errorConversion);
export const createCallerFactory = t.createCallerFactory;
