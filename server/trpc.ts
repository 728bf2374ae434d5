import { initTRPC } from '@trpc/server';
import { z } from 'zod';
import type { Context } from './context.ts';
import { findZodError, toTRPCError } from './errors.ts';

const t = initTRPC.context<Context>().create({
  // Stack traces only ever reach a client of a development server.
  isDev: process.env.NODE_ENV === 'development',
  errorFormatter({ shape, error }) {
    const zodError = findZodError(error.cause);
    return {
      ...shape,
      data: { ...shape.data, zodError: zodError ? z.flattenError(zodError) : null },
    };
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
