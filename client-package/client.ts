/**
 * `switchboard/client`: a typed tRPC client for other TypeScript projects (services, scripts,
 * other front ends). At run time this file imports `@trpc/client` and nothing else; the server
 * and the error contract come in as types only, so a consumer's bundle holds no server code.
 */

import {
  createTRPCClient,
  httpBatchLink,
  isTRPCClientError,
  type HTTPBatchLinkOptions,
  type HTTPHeaders,
  type TRPCClient,
  type TRPCClientError,
} from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { ApiErrorData } from '../shared/errors.ts';
import type { AppRouter } from '../server/routers/_app.ts';

export type { AppRouter };
export type {
  ApiErrorData,
  ApiErrorDetails,
  ApiErrorReason,
  ApiIssue,
  AppErrorCode,
  ServiceName,
} from '../shared/errors.ts';

/** Every procedure's input, by path: `SwitchboardInputs['agents']['create']`. */
export type SwitchboardInputs = inferRouterInputs<AppRouter>;
/** Every procedure's output, by path: `SwitchboardOutputs['agents']['get']`. */
export type SwitchboardOutputs = inferRouterOutputs<AppRouter>;

export type SwitchboardClient = TRPCClient<AppRouter>;

/** Calls per batched request: the most the server accepts (`MAX_BATCH_SIZE` in server/http). */
export const MAX_CALLS_PER_BATCH = 20;

export interface SwitchboardClientOptions {
  /**
   * Where Switchboard answers: its origin (`https://switchboard.example.com`, `/trpc` is added)
   * or the tRPC endpoint itself (`…/trpc`).
   */
  url: string;
  /** A secret key (`sb_sk_…`), sent as `Authorization: Bearer`. Its scopes decide what it may do. */
  apiKey: string;
  /** Another `fetch` (a proxy agent, a test double); the global one otherwise. */
  fetch?: HTTPBatchLinkOptions<AppRouter['_def']['_config']['$types']>['fetch'];
  /** More headers for every request (tracing ids, …); `authorization` is always the key's. */
  headers?: HTTPHeaders | (() => HTTPHeaders | Promise<HTTPHeaders>);
}

/**
 * A client for every procedure of the API, typed from the server's router:
 * `await client.agents.create.mutate({ name: 'Reception', config: {} })`. Calls made in the same
 * tick go out as one batched request (at most {@link MAX_CALLS_PER_BATCH}). A failed call rejects
 * with a `TRPCClientError`; read it with {@link switchboardErrorData}.
 */
export function createSwitchboardClient(options: SwitchboardClientOptions): SwitchboardClient {
  const authorization = `Bearer ${options.apiKey}`;
  const extraHeaders = options.headers;
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: trpcEndpoint(options.url),
        maxItems: MAX_CALLS_PER_BATCH,
        ...(options.fetch && { fetch: options.fetch }),
        headers: async () => {
          const extra =
            typeof extraHeaders === 'function' ? await extraHeaders() : (extraHeaders ?? {});
          return { ...withoutAuthorization(extra), authorization };
        },
      }),
    ],
  });
}

function trpcEndpoint(url: string): string {
  const base = url.replace(/\/+$/, '');
  return base.endsWith('/trpc') ? base : `${base}/trpc`;
}

function withoutAuthorization(headers: HTTPHeaders): Record<string, string | string[] | undefined> {
  const entries: [string, string | string[] | undefined][] =
    Symbol.iterator in headers
      ? Array.from(headers as Iterable<[string, string]>)
      : Object.entries(headers);
  return Object.fromEntries(entries.filter(([name]) => name.toLowerCase() !== 'authorization'));
}

/** A failed call that the server answered: `error.data` is the error contract. */
export type SwitchboardError = TRPCClientError<AppRouter> & { data: ApiErrorData };

/**
 * Whether `error` is a call the server refused or failed (then `error.data.code`,
 * `.issues` and `.details` are there to branch on), rather than one that got no answer (network,
 * a proxy's HTML page) or an error of something else.
 */
export function isSwitchboardError(error: unknown): error is SwitchboardError {
  if (!isTRPCClientError(error)) return false;
  const data: unknown = error.data;
  return (
    typeof data === 'object' &&
    data !== null &&
    'code' in data &&
    typeof data.code === 'string' &&
    'issues' in data &&
    Array.isArray(data.issues) &&
    'details' in data
  );
}

/**
 * The error contract of a failed call (`code`, `issues` by path, `details` by `reason`), or null
 * when the server gave no answer in it. Messages are for people: branch on these instead.
 */
export function switchboardErrorData(error: unknown): ApiErrorData | null {
  return isSwitchboardError(error) ? error.data : null;
}
