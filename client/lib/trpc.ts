import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { createTRPCReact, httpBatchLink, TRPCClientError } from '@trpc/react-query';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { WORKSPACE_HEADER } from '../../shared/access.ts';
import { NON_RETRYABLE_CODES } from '../../shared/errors.ts';
import { forgetWorkspace, requestWorkspaceId } from './current-workspace.ts';
import { currentPath, isPublicPath, signInHref } from './return-to.ts';
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
    links: [
      httpBatchLink({
        url: '/trpc',
        maxItems: BATCH_MAX_ITEMS,
        headers: () => {
          const workspaceId = requestWorkspaceId();
          return workspaceId ? { [WORKSPACE_HEADER]: workspaceId } : {};
        },
      }),
    ],
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

/** What a query or mutation may say about how its failures are handled (`meta`). */
interface CallMeta extends Record<string, unknown> {
  /**
   * UNAUTHORIZED is an answer this call expects (a public page asking whether someone is signed
   * in; accepting an invitation for an e-mail that has an account): it does not send anyone to
   * the sign-in page.
   */
  signedOutIsExpected?: boolean;
}

declare module '@tanstack/react-query' {
  interface Register {
    queryMeta: CallMeta;
    mutationMeta: CallMeta;
  }
}

/** `account.me`'s key: the signed-in person and their workspaces and roles. */
export const ACCOUNT_QUERY_KEY = [['account', 'me']];

/**
 * What every failed call does besides its own handling: signed out (the session expired, was
 * revoked, or there never was one) → the sign-in page, to come back here; a workspace the
 * person is no longer in → forget it and start again in their first; FORBIDDEN → their role may
 * have changed meanwhile: read it again (the call's own handling shows the server's message).
 */
function onCallError(queryClient: QueryClient, error: unknown, meta: CallMeta | undefined) {
  if (!(error instanceof TRPCClientError)) return;
  const code = errorCode(error);
  if (code === 'UNAUTHORIZED') {
    if (meta?.signedOutIsExpected || isPublicPath(window.location.pathname)) return;
    window.location.assign(signInHref(currentPath(window.location)));
    return;
  }
  const details: unknown = (error.data as { details?: unknown } | undefined)?.details;
  if (
    code === 'NOT_FOUND' &&
    typeof details === 'object' &&
    details !== null &&
    'resource' in details &&
    details.resource === 'workspace'
  ) {
    forgetWorkspace();
    window.location.assign('/agents');
    return;
  }
  if (code === 'FORBIDDEN') {
    void queryClient.invalidateQueries({ queryKey: ACCOUNT_QUERY_KEY });
  }
}

export function createQueryClient(): QueryClient {
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => onCallError(queryClient, error, query.meta),
    }),
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) =>
        onCallError(queryClient, error, mutation.meta),
    }),
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 10_000, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
  return queryClient;
}
