import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { ApiErrorData, ApiErrorDetails } from '../../shared/errors.ts';
import { contextFactory, type RequestContextSource } from '../context.ts';
import type { Logger } from '../logger.ts';
import type { Accounts } from '../ports/accounts.port.ts';
import type { AppRouter } from '../routers/_app.ts';
import { AppError } from '../errors.ts';
import { isPublishedSchemaName, jsonSchemaDocument } from '../json-schemas.ts';
import {
  createRequestGuard,
  hasBearerKey,
  mediaType,
  type RequestGuardOptions,
} from './request-guard.ts';
import { API_HEADERS, documentHeaders } from './security-headers.ts';
import { createRestHandler, REST_PREFIX, restErrorBody } from './rest.ts';
import { createStaticHandler } from './static.ts';
import { readBody } from './read-body.ts';

export const TRPC_PREFIX = '/trpc/';
/** Sign-in, sessions (better-auth) and the development sign-in. */
export const API_PREFIX = '/api/';
/** Sign-in bodies are a few hundred bytes; better-auth buffers them, so they are capped early. */
const AUTH_BODY_LIMIT_BYTES = 16 * 1024;
/**
 * LiveKit's webhooks (call history). Not a tRPC procedure and no cookie: the Origin and JSON
 * checks of `/api/*` do not apply to this one path; the webhook's signature is its only credential.
 */
export const LIVEKIT_WEBHOOK_PATH = '/api/livekit/webhook';
/**
 * A webhook carries the room and a participant, metadata and attributes included (LiveKit caps
 * each at 64 kB by default): well under this.
 */
export const WEBHOOK_BODY_LIMIT_BYTES = 256 * 1024;
/**
 * Agent workers' call reports (`POST /api/sessions/<id>/report`, see README "Call history"): like
 * the webhook, not a tRPC procedure and no cookie — the per-call bearer token is the credential.
 */
export const CALL_REPORT_PATH = /^\/api\/sessions\/([^/]{1,64})\/report$/;
/** A report of 5,000 turns of a few hundred characters: more than any call says. */
export const REPORT_BODY_LIMIT_BYTES = 1024 * 1024;
/** The published JSON Schemas (`GET /api/schemas/<name>.json`): public, the same for everyone. */
export const SCHEMAS_PATH = /^\/api\/schemas\/([a-z-]+\.schema)\.json$/;
/** Calls in one batched request; the client's batch link uses the same number. */
export const MAX_BATCH_SIZE = 20;
/** tRPC serves queries with GET and mutations with POST; anything else is a 405. */
const TRPC_METHODS = new Set(['GET', 'POST']);
/**
 * After a 413 the rest of the body is read and dropped (up to this much, for up to this long)
 * before the connection closes: a client still sending when the socket closes gets EPIPE
 * instead of the answer.
 */
const DRAIN_MAX_BYTES = 16 * 1024 * 1024;
const DRAIN_MAX_MS = 10_000;

export interface HttpServerOptions {
  router: AppRouter;
  /** The shared services and how each request's caller is resolved. */
  context: RequestContextSource;
  logger: Logger;
  bodyLimitBytes: number;
  requestTimeoutMs: number;
  /** Resolves when every configured dependency answers; `/readyz` reports it. */
  readiness: () => Promise<void>;
  /** The built SPA; omitted in development, where Vite serves it. */
  staticDir?: string;
  /** Allowed hosts and origins (README "Security"); omitted, loopback names only. */
  guard?: RequestGuardOptions;
  /** The LiveKit server the dashboard's calls connect to, for its Content-Security-Policy. */
  livekitUrl?: string;
  /** Sign-in and sessions under `/api/auth/*` (better-auth); without it those paths are 404. */
  accounts?: Pick<Accounts, 'handle' | 'signInForDevelopment'>;
  /** `POST /api/dev/sign-in` signs this e-mail in (`npm run dev` on loopback only). */
  developmentSignInEmail?: string;
}

/**
 * The one procedure a page on another site may call, with a key (a publishable `sb_pk_…` key
 * in a customer's page): CORS without credentials. Whether the key may be used from that origin
 * is the key's own rule, checked when the request is authenticated.
 */
const CORS_PATH = `${TRPC_PREFIX}session.start`;
const CORS_PREFLIGHT_HEADERS = {
  'access-control-allow-methods': 'POST',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-max-age': '600',
  vary: 'Origin',
} as const;

/** Probes (load balancers, Kubernetes) often send the pod's IP as Host: these answer any Host. */
const PROBE_PATHS = new Set(['/healthz', '/readyz']);

export interface HttpServer {
  server: Server;
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stops accepting, lets in-flight requests finish (up to `timeoutMs`), then closes the rest. */
  shutdown(timeoutMs: number): Promise<void>;
}

export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { router, logger, bodyLimitBytes, requestTimeoutMs } = options;
  const createContext = contextFactory(options.context);
  const serveStatic = options.staticDir ? createStaticHandler(options.staticDir) : undefined;
  const guard = createRequestGuard(
    options.guard ?? { allowLoopbackHosts: true, allowLoopbackOrigins: false },
  );
  const pageHeaders = documentHeaders({
    ...(options.livekitUrl !== undefined && { livekitUrl: options.livekitUrl }),
  });
  const rest = createRestHandler({
    router,
    createContext,
    guard,
    logger,
    bodyLimitBytes,
    requestTimeoutMs,
    rejectTooLarge,
  });
  let stopping = false;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (stopping) res.setHeader('connection', 'close');
    const isTrpc = url.pathname.startsWith(TRPC_PREFIX);
    const isApi = url.pathname.startsWith(API_PREFIX);
    // Set before anything answers, tRPC included (its adapter keeps headers already set).
    setHeaders(res, isTrpc || isApi || PROBE_PATHS.has(url.pathname) ? API_HEADERS : pageHeaders);

    if (!PROBE_PATHS.has(url.pathname)) {
      const refused = guard.checkHost(req.headers);
      if (refused) {
        logger.info('request refused', { reason: 'host', host: req.headers.host });
        if (isTrpc) return sendTrpcError(res, url, { ...refused, details: null });
        if (isRest(url)) {
          const text = restErrorBody({ ...refused, details: null });
          res.writeHead(refused.httpStatus, jsonHeaders(text));
          return res.end(text);
        }
        return sendJson(res, refused.httpStatus, { error: refused.message });
      }
    }

    if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (url.pathname === '/readyz') {
      try {
        await withTimeout(options.readiness(), 3000, 'readiness check timed out');
        return sendJson(res, stopping ? 503 : 200, { status: stopping ? 'stopping' : 'ready' });
      } catch (error) {
        return sendJson(res, 503, { status: 'unavailable', reason: (error as Error).message });
      }
    }

    if (isTrpc) {
      const origin = req.headers.origin;
      let corsAnswer = false;
      if (url.pathname === CORS_PATH && origin !== undefined) {
        if (req.method === 'OPTIONS') {
          res.writeHead(204, {
            'access-control-allow-origin': origin,
            ...CORS_PREFLIGHT_HEADERS,
            'content-length': 0,
          });
          return res.end();
        }
        if (req.method === 'POST' && hasBearerKey(req.headers)) {
          // On refusals too (415, 429…), so the page can read why.
          res.setHeader('access-control-allow-origin', origin);
          res.setHeader('access-control-expose-headers', 'Retry-After');
          res.setHeader('vary', 'Origin');
          corsAnswer = true;
        }
      }
      if (!TRPC_METHODS.has(req.method ?? '')) {
        res.setHeader('allow', 'GET, POST');
        return sendTrpcError(res, url, {
          code: 'METHOD_NOT_SUPPORTED',
          httpStatus: 405,
          message: `${req.method} is not supported here: queries use GET, mutations POST`,
          details: null,
        });
      }
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > bodyLimitBytes) return rejectTooLarge(req, res, url, bodyLimitBytes, declared);
      if (req.method === 'POST') {
        const refused = guard.checkMutation(req.headers);
        if (refused) {
          logger.info('request refused', {
            reason: refused.code,
            origin: req.headers.origin,
            secFetchSite: req.headers['sec-fetch-site'],
            contentType: req.headers['content-type'],
          });
          return sendTrpcError(res, url, { ...refused, details: null });
        }
      }
      const paths = url.pathname.slice(TRPC_PREFIX.length);
      const timer = setTimeout(() => {
        if (res.headersSent) return;
        logger.warn('request timed out', { paths, timeoutMs: requestTimeoutMs });
        sendTrpcError(res, url, {
          code: 'SERVICE_UNAVAILABLE',
          httpStatus: 503,
          message: `The request took longer than ${requestTimeoutMs} ms`,
          details: { reason: 'timeout', service: 'server' },
        });
      }, requestTimeoutMs);
      res.on('close', () => clearTimeout(timer));
      await nodeHTTPRequestHandler({
        router,
        createContext,
        req,
        res,
        path: paths,
        maxBodySize: bodyLimitBytes,
        maxBatchSize: MAX_BATCH_SIZE,
        responseMeta: ({ data }) => {
          const retryAfter = retryAfterSeconds(data);
          return {
            headers: {
              ...(retryAfter !== undefined && { 'retry-after': String(retryAfter) }),
              // Appended to tRPC's own Vary (a string would replace it).
              ...(corsAnswer && { vary: ['Origin'] }),
            },
          };
        },
        onError: ({ error, path }) => {
          if (error.code === 'INTERNAL_SERVER_ERROR') {
            logger.error('request failed', { path, error: error.cause ?? error });
          }
        },
      });
      return;
    }

    if (url.pathname === LIVEKIT_WEBHOOK_PATH) return handleWebhook(req, res, url);
    if (isRest(url)) return rest.handle(req, res, url);
    const reportOf = CALL_REPORT_PATH.exec(url.pathname)?.[1];
    if (reportOf !== undefined) return handleCallReport(req, res, url, reportOf);
    const schemaName = SCHEMAS_PATH.exec(url.pathname)?.[1];
    if (schemaName !== undefined && isPublishedSchemaName(schemaName)) {
      return sendSchema(req, res, jsonSchemaDocument(schemaName));
    }
    if (isApi) return handleApi(req, res, url);

    if (serveStatic) return serveStatic(req, res, url.pathname);
    sendJson(res, 404, { error: 'Not found' });
  };

  /**
   * LiveKit's webhooks: POST, `application/webhook+json`, body capped and read raw (its sha-256
   * is what the signature covers). 200 once handled (also for a duplicate or an event we do not
   * record); 401 when the signature, hash or age does not hold, and nothing changes; 503 when the
   * database cannot answer, so LiveKit retries.
   */
  const handleWebhook = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendJson(res, 405, { code: 'METHOD_NOT_SUPPORTED', message: 'POST webhooks here' });
    }
    if (mediaType(req.headers['content-type']) !== 'application/webhook+json') {
      req.resume();
      return sendJson(res, 415, {
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'LiveKit webhooks are sent as Content-Type: application/webhook+json',
      });
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > WEBHOOK_BODY_LIMIT_BYTES) {
      return rejectTooLarge(req, res, url, WEBHOOK_BODY_LIMIT_BYTES, declared);
    }
    const body = await readBody(req, WEBHOOK_BODY_LIMIT_BYTES);
    if (body === undefined) {
      return rejectTooLarge(req, res, url, WEBHOOK_BODY_LIMIT_BYTES, declared || 0);
    }
    try {
      const outcome = await options.context.services.calls.receiveWebhook(
        body,
        req.headers.authorization,
      );
      return sendJson(res, 200, { outcome });
    } catch (error) {
      if (error instanceof AppError && error.code === 'UNAUTHORIZED') {
        logger.info('webhook refused', { reason: error.message });
        return sendJson(res, 401, { code: error.code, message: error.message });
      }
      if (error instanceof AppError && error.code === 'SERVICE_UNAVAILABLE') {
        return sendJson(res, 503, { code: error.code, message: error.message });
      }
      logger.error('webhook failed', { error });
      return sendJson(res, 500, { code: 'INTERNAL_SERVER_ERROR', message: 'Internal error' });
    }
  };

  /**
   * A worker's call report: POST, `application/json`, `Authorization: Bearer <report.token>`.
   * The token is checked before the body is read, the size before it is parsed. 200 once stored
   * (a repeat replaces); 401 for a missing, foreign, other call's or expired token; 400 with
   * `issues` for a body that is not a call report; 404 for an unknown call; 503 when the database
   * cannot answer (the worker may retry). Error bodies: `{ code, message, issues, details }`.
   */
  const handleCallReport = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    sessionId: string,
  ) => {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      req.resume();
      return sendJson(res, 405, restError('METHOD_NOT_SUPPORTED', 'POST the call report here'));
    }
    if (mediaType(req.headers['content-type']) !== 'application/json') {
      req.resume();
      return sendJson(
        res,
        415,
        restError('UNSUPPORTED_MEDIA_TYPE', 'Send the report as Content-Type: application/json'),
      );
    }
    const reports = options.context.services.reports;
    try {
      const grant = reports.authorize({ sessionId, authorization: req.headers.authorization });
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > REPORT_BODY_LIMIT_BYTES) {
        return rejectTooLarge(req, res, url, REPORT_BODY_LIMIT_BYTES, declared, restError);
      }
      const body = await readBody(req, REPORT_BODY_LIMIT_BYTES);
      if (body === undefined) {
        return rejectTooLarge(req, res, url, REPORT_BODY_LIMIT_BYTES, declared || 0, restError);
      }
      const { reportedAt } = await reports.receive(grant, body);
      return sendJson(res, 200, {
        sessionId: grant.sessionId,
        reportedAt: reportedAt.toISOString(),
      });
    } catch (error) {
      // The body is not read when the token is refused: drop it, answer, close.
      if (!req.complete) {
        res.setHeader('connection', 'close');
        req.resume();
      }
      const status = error instanceof AppError ? REST_STATUS[error.code] : undefined;
      if (error instanceof AppError && status !== undefined) {
        if (status === 401) logger.info('call report refused', { reason: error.details });
        return sendJson(res, status, {
          code: error.code,
          message: error.message,
          issues: error.issues,
          details: error.details,
        });
      }
      logger.error('call report failed', { error });
      return sendJson(res, 500, restError('INTERNAL_SERVER_ERROR', 'Internal error'));
    }
  };

  /** `/api/*`: the same Host, Origin and JSON checks as tRPC mutations, then better-auth. */
  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.setHeader('allow', 'GET, POST');
      return sendJson(res, 405, { error: `${req.method} is not supported here` });
    }
    if (req.method === 'POST') {
      const refused = guard.checkMutation(req.headers);
      if (refused) {
        logger.info('request refused', { reason: refused.code, path: url.pathname });
        return sendJson(res, refused.httpStatus, { code: refused.code, message: refused.message });
      }
      const declared = req.headers['content-length'];
      if (declared === undefined) {
        return sendJson(res, 411, { code: 'LENGTH_REQUIRED', message: 'Send a Content-Length' });
      }
      if (Number(declared) > AUTH_BODY_LIMIT_BYTES) {
        return rejectTooLarge(req, res, url, AUTH_BODY_LIMIT_BYTES, Number(declared));
      }
    }
    const { accounts } = options;
    if (url.pathname === '/api/dev/sign-in' && options.developmentSignInEmail && accounts) {
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        return sendJson(res, 405, { error: 'POST to sign in' });
      }
      req.resume();
      const signedIn = await accounts.signInForDevelopment(options.developmentSignInEmail, res);
      return sendJson(res, signedIn ? 200 : 503, { signedIn });
    }
    if (accounts && (await accounts.handle(req, res))) return;
    sendJson(res, 404, { error: 'Not found' });
  };

  const server = createServer((req, res) => {
    // Writes after a timeout answered the request are dropped, not crashes.
    res.on('error', (error) => logger.debug('response error', { error }));
    // During shutdown a connection that just went idle is closed at once, not at keep-alive's end.
    res.on('finish', () => {
      if (stopping) setImmediate(() => server.closeIdleConnections());
    });
    handle(req, res).catch((error: unknown) => {
      logger.error('unhandled request error', { url: req.url, error });
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal error' });
      else res.destroy();
    });
  });
  // Receiving a request (headers and body) may take at most this long.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      }),
    async shutdown(timeoutMs) {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => {
        logger.warn('shutdown timeout: closing remaining connections', { timeoutMs });
        server.closeAllConnections();
      }, timeoutMs);
      await closed;
      clearTimeout(timer);
    },
  };
}

/**
 * `Retry-After` for a 429: the longest `details.retryAfterSeconds` among the failed calls (see
 * `errorFormatter` in server/trpc.ts for how an error's details get there).
 */
function retryAfterSeconds(responses: readonly unknown[]): number | undefined {
  let longest: number | undefined;
  for (const response of responses) {
    const details = (response as { error?: { data?: Partial<ApiErrorData> } }).error?.data?.details;
    if (details && 'retryAfterSeconds' in details) {
      longest = Math.max(longest ?? 0, details.retryAfterSeconds);
    }
  }
  return longest;
}

/** The HTTP status of each domain error the plain-HTTP endpoints answer (others are a 500). */
const REST_STATUS: Partial<Record<ApiErrorData['code'], number>> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  SERVICE_UNAVAILABLE: 503,
};

/** The error body of the plain-HTTP endpoints: ApiErrorData's fields beside the message. */
function restError(
  code: ApiErrorData['code'],
  message: string,
  details: ApiErrorDetails | null = null,
) {
  return { code, message, issues: [], details };
}

/** A published JSON Schema: public and the same for everyone, so caches may keep it an hour. */
function sendSchema(req: IncomingMessage, res: ServerResponse, text: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return sendJson(res, 405, restError('METHOD_NOT_SUPPORTED', 'GET the schema'));
  }
  res.writeHead(200, {
    'content-type': 'application/schema+json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'public, max-age=3600',
    'access-control-allow-origin': '*',
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}

/** `/api/v1/…`: the REST routes (rest.ts). */
function isRest(url: URL): boolean {
  return url.pathname === REST_PREFIX || url.pathname.startsWith(`${REST_PREFIX}/`);
}

function setHeaders(res: ServerResponse, headers: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, jsonHeaders(text));
  res.end(text);
}

interface HttpError {
  code: ApiErrorData['code'];
  httpStatus: number;
  message: string;
  details: ApiErrorDetails | null;
}

/**
 * An error the HTTP layer answers itself, in the shape tRPC's error formatter gives every other
 * error (an array of them for a batched call), so one client parser handles both.
 */
function trpcErrorBody(url: URL, error: HttpError): string {
  const paths = url.pathname.slice(TRPC_PREFIX.length).split(',');
  const one = (path: string | undefined) => {
    const data: ApiErrorData = {
      code: error.code,
      httpStatus: error.httpStatus,
      ...(path && { path }),
      issues: [],
      details: error.details,
    };
    return { error: { message: error.message, code: TRPC_ERROR_CODES_BY_KEY[error.code], data } };
  };
  const batched = url.searchParams.get('batch') === '1';
  return JSON.stringify(batched ? paths.map(one) : one(paths[0]));
}

function sendTrpcError(res: ServerResponse, url: URL, error: HttpError): void {
  const text = trpcErrorBody(url, error);
  res.writeHead(error.httpStatus, jsonHeaders(text));
  res.end(text);
}

function jsonHeaders(text: string) {
  return {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  };
}

/**
 * Answers 413 from the headers alone, then reads and drops what is left of the body (never
 * buffering it) so that a client still sending reads the answer instead of a broken pipe; the
 * connection closes when the body has ended, or after DRAIN_MAX_BYTES / DRAIN_MAX_MS.
 */
function rejectTooLarge(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  limit: number,
  declared: number,
  /** The body's shape outside tRPC (the call report endpoint's); tRPC's by default. */
  restBody?: typeof restError,
): void {
  res.setHeader('connection', 'close');
  const error: HttpError = {
    code: 'PAYLOAD_TOO_LARGE',
    httpStatus: 413,
    message: `Request body is larger than the ${Math.round(limit / 1024)} KiB limit`,
    details: { reason: 'too-large', limitBytes: limit, actualBytes: declared },
  };
  const text = restBody
    ? JSON.stringify(restBody(error.code, error.message, error.details))
    : isRest(url)
      ? restErrorBody(error)
      : trpcErrorBody(url, error);
  // The whole answer goes out now; ending the response (which closes the socket) waits.
  res.writeHead(413, jsonHeaders(text));
  res.write(text);
  let received = 0;
  const close = () => {
    clearTimeout(timer);
    req.off('data', onData);
    if (res.writableEnded) return;
    res.end();
    if (!req.complete) res.on('finish', () => setTimeout(() => req.destroy(), 1000).unref());
  };
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received > DRAIN_MAX_BYTES) close();
  };
  const timer = setTimeout(close, DRAIN_MAX_MS);
  timer.unref();
  if (declared > DRAIN_MAX_BYTES) return close();
  req.on('data', onData);
  req.once('end', close);
  req.once('error', close);
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
