import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';
import { TRPC_ERROR_CODES_BY_KEY, type TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { contextFactory, type Context } from '../context.ts';
import type { Logger } from '../logger.ts';
import type { AppRouter } from '../routers/_app.ts';
import { createStaticHandler } from './static.ts';

export const TRPC_PREFIX = '/trpc/';
/** Calls in one batched request; the client's batch link uses the same number. */
export const MAX_BATCH_SIZE = 20;

export interface HttpServerOptions {
  router: AppRouter;
  context: Context;
  logger: Logger;
  bodyLimitBytes: number;
  requestTimeoutMs: number;
  /** Resolves when every configured dependency answers; `/readyz` reports it. */
  readiness: () => Promise<void>;
  /** The built SPA; omitted in development, where Vite serves it. */
  staticDir?: string;
}

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
  let stopping = false;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (stopping) res.setHeader('connection', 'close');

    if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (url.pathname === '/readyz') {
      try {
        await withTimeout(options.readiness(), 3000, 'readiness check timed out');
        return sendJson(res, stopping ? 503 : 200, { status: stopping ? 'stopping' : 'ready' });
      } catch (error) {
        return sendJson(res, 503, { status: 'unavailable', reason: (error as Error).message });
      }
    }

    if (url.pathname.startsWith(TRPC_PREFIX)) {
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > bodyLimitBytes) return rejectTooLarge(req, res, bodyLimitBytes);
      const paths = url.pathname.slice(TRPC_PREFIX.length);
      const timer = setTimeout(() => {
        if (res.headersSent) return;
        logger.warn('request timed out', { paths, timeoutMs: requestTimeoutMs });
        sendTrpcError(
          res,
          url,
          'SERVICE_UNAVAILABLE',
          `The request took longer than ${requestTimeoutMs} ms`,
        );
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
        onError: ({ error, path }) => {
          if (error.code === 'INTERNAL_SERVER_ERROR') {
            logger.error('request failed', { path, error: error.cause ?? error });
          }
        },
      });
      return;
    }

    if (serveStatic) return serveStatic(req, res, url.pathname);
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

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** An error in tRPC's wire shape (an array of them for a batched call) so clients parse it. */
function sendTrpcError(res: ServerResponse, url: URL, code: TRPC_ERROR_CODE_KEY, message: string) {
  const status = code === 'PAYLOAD_TOO_LARGE' ? 413 : 503;
  const paths = url.pathname.slice(TRPC_PREFIX.length).split(',');
  const one = (path: string | undefined) => ({
    error: {
      message,
      code: TRPC_ERROR_CODES_BY_KEY[code],
      data: { code, httpStatus: status, path, zodError: null },
    },
  });
  const batched = url.searchParams.get('batch') === '1';
  sendJson(res, status, batched ? paths.map(one) : one(paths[0]));
}

/** Answers 413 from the headers alone, discarding (never buffering) whatever body still arrives. */
function rejectTooLarge(req: IncomingMessage, res: ServerResponse, limit: number): void {
  res.setHeader('connection', 'close');
  const url = new URL(req.url ?? '/', 'http://localhost');
  sendTrpcError(
    res,
    url,
    'PAYLOAD_TOO_LARGE',
    `Request body is larger than the ${Math.round(limit / 1024)} KiB limit`,
  );
  req.on('data', () => {});
  res.on('finish', () => setTimeout(() => req.destroy(), 1000).unref());
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
