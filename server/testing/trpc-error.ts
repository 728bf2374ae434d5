import { TRPCError } from '@trpc/server';

/** Runs `fn` and returns the TRPCError it threw; fails the test if it threw nothing or else. */
export async function trpcError(fn: () => Promise<unknown>): Promise<TRPCError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}
