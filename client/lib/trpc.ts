import { QueryClient } from '@tanstack/react-query';
import { createTRPCReact, httpBatchLink, TRPCClientError } from '@trpc/react-query';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { NON_RETRYABLE_CODES } from '../../shared/errors.ts';
// The one server import the client has, types only (the @typescript-eslint rule enforces that).
import type { AppRouter } from '../../server/routers/_app.ts';

/** The typed React hooks for every procedure of `AppRouter`. */
export const trpc = createTRPCReact<AppRouter>();

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** Calls per batched request; the server accepts up to 20 (`MAX_BATCH_SIZE`). */
const BATCH_MAX_ITEMS = 10;
const MAX_QUERY_RETRIES = 2;

export function createTrpcClient() {
  return trpc.createClient({
    links: [httpBatchLink({ url: '/trpc', maxItems: BATCH_MAX_ITEMS })],
  });
}

/** The tRPC error code of a failed call (`'CONFLICT'`, …), or undefined for other failures. */
export function errorCode(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data: unknown = error.data;
  if (typeof data !== 'object' || data === null || !('code' in data)) return undefined;
  return typeof data.code === 'string' ? data.code : undefined;
}

/** A retry cannot fix these (bad input, missing agent, stale version): show them at once. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  const code = errorCode(error);
  if (code !== undefined && NON_RETRYABLE_CODES.has(code)) return false;
  return failureCount < MAX_QUERY_RETRIES;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 10_000, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}
