import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { ApiErrorData, ApiErrorDetails, ApiIssue } from '../shared/errors.ts';
import { friendlyIssueMessage } from '../shared/issues.ts';
import type { Permission } from '../shared/auth.schema.ts';
import type { Context } from './context.ts';
import {
  AppError,
  ForbiddenError,
  RefusedError,
  fromZodError,
  findZodError,
  GENERIC_INTERNAL_MESSAGE,
  NotFoundError,
  UnauthorizedError,
} from './errors.ts';

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

/**
 * What a procedure declares about who may call it: a permission (see shared/auth.schema.ts), or
 * `signed-in` for anything any caller of the workspace may read. `openapi` (trpc-to-openapi's
 * meta) also serves the procedure as a REST route under `/api/v1` (server/http/rest.ts).
 */
// A type, not an interface: trpc-to-openapi wants meta assignable to Record<string, unknown>.
export type ProcedureMeta = {
  /**
   * `signed-in`: any caller of the workspace (person or key). `user`: a signed-in person, in a
   * workspace or not (their account, their workspaces); keys are refused.
   */
  permission: Permission | 'signed-in' | 'user';
  openapi?: RestRouteMeta;
};

/**
 * The part of trpc-to-openapi's `OpenApiMeta['openapi']` Switchboard uses, spelled out here so
 * the client package's declarations (which include this file's) need no trpc-to-openapi.
 */
export interface RestRouteMeta {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Below `/api/v1`; `{name}` segments are input keys. */
  path: `/${string}`;
  summary: string;
  description?: string;
  tags: string[];
  /** The status of a success (the adapter's document says 200 otherwise): 201 on create. */
  successStatus?: 200 | 201;
  successDescription?: string;
  /** Error statuses the route may answer, beside those every route may (see rest.ts). */
  errorResponses?: Record<number, string>;
}

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
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

/**
 * The one authorization check (tRPC's middleware + meta pattern). No caller → UNAUTHORIZED; a
 * caller without the procedure's permission → FORBIDDEN naming it; a procedure that declares
 * nothing is refused (fails closed; a test lists every procedure's declaration). Below it,
 * `ctx.caller` is never null.
 */
const authorization = t.middleware(({ ctx, meta, next, path }) => {
  if (!ctx.caller) throw unauthenticated(ctx);
  const needed = meta?.permission;
  if (needed === undefined || needed === 'user') {
    throw new Error(`procedure ${path} declares no workspace permission (.meta({ permission }))`);
  }
  if (needed !== 'signed-in' && !ctx.caller.permissions.has(needed)) {
    throw new ForbiddenError(needed);
  }
  return next({ ctx: { caller: ctx.caller } });
});

/** For account-level procedures: a signed-in person (sessions only, never a key). */
const personAuthorization = t.middleware(({ ctx, meta, next, path }) => {
  if (meta?.permission !== 'user') {
    throw new Error(`procedure ${path} is a user procedure: declare .meta({ permission: 'user' })`);
  }
  if (!ctx.user) {
    if (ctx.caller) {
      throw new RefusedError('This is for people signed in to the dashboard, not API keys', {
        details: { reason: 'people-only' },
      });
    }
    throw unauthenticated(ctx);
  }
  return next({ ctx: { user: ctx.user } });
});

/** UNAUTHORIZED, saying why when credentials came and were refused. */
function unauthenticated(ctx: Context): AppError {
  const failure = ctx.authFailure;
  if (!failure) return new UnauthorizedError();
  if (failure.reason === 'workspace-not-found') {
    return new NotFoundError(failure.message, {
      details: { reason: 'not-found', resource: 'workspace', id: failure.workspaceId },
    });
  }
  if (failure.reason === 'no-workspace') {
    return new RefusedError(failure.message, { details: { reason: 'no-workspace' } });
  }
  return new UnauthorizedError(failure.message, { details: { reason: failure.reason } });
}

export const router = t.router;
/** For procedures anyone may call without signing in (listed in routers/access.test.ts). */
export const publicProcedure = t.procedure.use(errorConversion);
/**
 * For everything that reads or changes a workspace: declare `.meta({ permission })`; resolvers
 * get `ctx.caller` and pass `ctx.caller.workspaceId` to the services.
 */
export const workspaceProcedure = publicProcedure.use(authorization);
/** For a signed-in person's own things (account, workspaces they belong to): `permission: 'user'`. */
export const userProcedure = publicProcedure.use(personAuthorization);
export const createCallerFactory = t.createCallerFactory;

/**
 * An output schema (the REST document's, and checked at run time) typed as what the service
 * answers: for configs that is `KnownFields<…>`, which keeps their named fields typed for
 * clients where the schema's own output type has an index signature (see shared/agent.schema.ts).
 */
export function outputAs<T>(schema: z.ZodType): z.ZodType<T> {
  return schema as z.ZodType<T>;
}
