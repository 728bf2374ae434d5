import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { buildServices } from '../testing/builders.ts';
import type { Services } from '../context.ts';
import { authenticateAsLocalOwner } from '../identity.ts';
import { createMemoryLogger } from '../logger.ts';
import { appRouter } from '../routers/_app.ts';
import { createHttpServer, MAX_BATCH_SIZE, type HttpServer } from './server.ts';

const running: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.shutdown(100)));
});

async function start(
  options: {
    services?: Services;
    readiness?: () => Promise<void>;
    staticDir?: string;
    requestTimeoutMs?: number;
  } = {},
) {
  const logger = createMemoryLogger();
  const http = createHttpServer({
    router: appRouter,
    context: {
      services: options.services ?? buildServices(),
      logger,
      authenticate: authenticateAsLocalOwner,
    },
    logger,
    bodyLimitBytes: 64 * 1024,
    requestTimeoutMs: options.requestTimeoutMs ?? 5000,
    readiness: options.readiness ?? (async () => {}),
    ...(options.staticDir && { staticDir: options.staticDir }),
  });
  running.push(http);
  const address: AddressInfo = await http.listen(0, '127.0.0.1');
  return { base: `http://127.0.0.1:${address.port}`, port: address.port, logger, http };
}

const post = (base: string, procedure: string, body: unknown) =>
  fetch(`${base}/trpc/${procedure}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('health', () => {
  test('/healthz answers while the process lives', async () => {
    const { base } = await start();
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  test('/readyz is 200 when dependencies answer and 503 with the reason when not', async () => {
    const ok = await start();
    expect((await fetch(`${ok.base}/readyz`)).status).toBe(200);
    const down = await start({
      readiness: async () => {
        throw new Error('The database is not answering');
      },
    });
    const response = await fetch(`${down.base}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'unavailable',
      reason: 'The database is not answering',
    });
  });
});

describe('/trpc', () => {
  test('serves procedures as plain JSON with ISO timestamps', async () => {
    const { base } = await start();
    const created = await post(base, 'agents.create', { name: 'Over HTTP' });
    expect(created.status).toBe(200);
    const body = (await created.json()) as {
      result: { data: { name: string; createdAt: string } };
    };
    expect(body.result.data.name).toBe('Over HTTP');
    expect(body.result.data.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  test('a validation error is a 400 with an issue at the field’s path, and no stack', async () => {
    const { base } = await start();
    const response = await post(base, 'agents.create', { name: '' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      error: { message: string; data: Record<string, unknown> };
    };
    expect(body.error.message).toBe('name must not be empty');
    expect(body.error.data).toMatchObject({
      code: 'BAD_REQUEST',
      issues: [{ path: ['name'], message: 'name must not be empty' }],
      details: null,
    });
    expect(body.error.data).not.toHaveProperty('stack');
  });

  test('a body over the limit is refused with 413 from its Content-Length, before it is read', async () => {
    const { port } = await start();
    // Announce 50 MiB but send only a little: the answer must not wait for the rest.
    const status = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/trpc/agents.create',
          headers: { 'content-type': 'application/json', 'content-length': 50 * 1024 * 1024 },
        },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.write('{"name":"');
    });
    expect(status.status).toBe(413);
    expect(JSON.parse(status.body)).toMatchObject({
      error: { data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 } },
    });
  });

  test('Node’s fetch reads the 413 of a 4 MiB body: the error shape, details, Connection: close', async () => {
    const { base } = await start();
    const body = JSON.stringify({ name: 'Big', description: 'x'.repeat(4 * 1024 * 1024) });
    const response = await fetch(`${base}/trpc/agents.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('connection')).toBe('close');
    expect(await response.json()).toEqual({
      error: {
        message: 'Request body is larger than the 64 KiB limit',
        code: -32013,
        data: {
          code: 'PAYLOAD_TOO_LARGE',
          httpStatus: 413,
          path: 'agents.create',
          issues: [],
          details: { reason: 'too-large', limitBytes: 64 * 1024, actualBytes: body.length },
        },
      },
    });
    const list = (await (await fetch(`${base}/trpc/agents.list`)).json()) as {
      result: { data: { items: unknown[] } };
    };
    expect(list.result.data.items).toEqual([]);
  });

  test('a client that goes on sending after the 413 can finish: the rest of the body is drained', async () => {
    const { port } = await start();
    const chunk = Buffer.alloc(256 * 1024, 'x');
    const total = 16 * chunk.length;
    const outcome = await new Promise<{ status: number; errors: string[] }>((resolve) => {
      const errors: string[] = [];
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/trpc/agents.create',
        headers: { 'content-type': 'application/json', 'content-length': total },
      });
      req.on('error', (error: NodeJS.ErrnoException) => errors.push(error.code ?? error.message));
      req.write(chunk);
      req.on('response', (res) => {
        res.resume();
        req.on('close', () => resolve({ status: res.statusCode ?? 0, errors }));
        // The answer came first; a client like Node's fetch still writes the rest of its body.
        void (async () => {
          for (let sent = chunk.length; sent < total && !req.destroyed; sent += chunk.length) {
            await new Promise<void>((done) => req.write(chunk, () => done()));
          }
          req.end();
        })();
      });
    });
    expect(outcome).toEqual({ status: 413, errors: [] });
  });

  test.each(['TRACE', 'PUT', 'DELETE', 'OPTIONS'])(
    '%s is a 405 naming the methods allowed, in the error shape, and logs no error',
    async (method) => {
      const { base, logger } = await start();
      // fetch refuses to send TRACE: a plain request does.
      const response = await new Promise<{ status: number; allow: string; body: string }>(
        (resolve, reject) => {
          const req = request(`${base}/trpc/agents.list`, { method }, (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => (body += chunk.toString()));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, allow: String(res.headers.allow), body }),
            );
          });
          req.on('error', reject);
          req.end();
        },
      );
      expect(response.status).toBe(405);
      expect(response.allow).toBe('GET, POST');
      expect(JSON.parse(response.body)).toMatchObject({
        error: {
          data: { code: 'METHOD_NOT_SUPPORTED', httpStatus: 405, issues: [], details: null },
        },
      });
      expect(logger.lines.filter((line) => line.includes('"error"'))).toEqual([]);
    },
  );

  test('a chunked body that grows past the limit is refused with 413 and nothing is stored', async () => {
    const { base } = await start();
    const big = JSON.stringify({ name: 'Big', description: 'x'.repeat(100 * 1024) });
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const response = await fetch(`${base}/trpc/agents.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    const list = (await (await fetch(`${base}/trpc/agents.list`)).json()) as {
      result: { data: { items: unknown[] } };
    };
    expect(list.result.data.items).toEqual([]);
  });

  test(`a batch of more than ${MAX_BATCH_SIZE} calls is refused`, async () => {
    const { base } = await start();
    const paths = (n: number) => Array.from({ length: n }, () => 'system.info').join(',');
    const input = (n: number) =>
      encodeURIComponent(
        JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [i, {}]))),
      );
    const allowed = await fetch(
      `${base}/trpc/${paths(MAX_BATCH_SIZE)}?batch=1&input=${input(MAX_BATCH_SIZE)}`,
    );
    expect(allowed.status).toBe(200);
    const refused = await fetch(
      `${base}/trpc/${paths(MAX_BATCH_SIZE + 1)}?batch=1&input=${input(MAX_BATCH_SIZE + 1)}`,
    );
    expect(refused.status).toBe(400);
  });

  test('a request that outlives the timeout is answered 503 in tRPC shape and logged', async () => {
    const services = buildServices();
    services.agents.list = () => new Promise(() => {});
    const { base, logger } = await start({ services, requestTimeoutMs: 1000 });
    const response = await fetch(
      `${base}/trpc/agents.list?batch=1&input=${encodeURIComponent('{"0":{}}')}`,
    );
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject([
      {
        error: {
          message: 'The request took longer than 1000 ms',
          data: {
            code: 'SERVICE_UNAVAILABLE',
            path: 'agents.list',
            issues: [],
            details: { reason: 'timeout', service: 'server' },
          },
        },
      },
    ]);
    expect(logger.lines.some((line) => line.includes('request timed out'))).toBe(true);
  });
});

describe('the built SPA', () => {
  let dir: string;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function spa() {
    dir = await mkdtemp(path.join(tmpdir(), 'sb-static-'));
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>Switchboard</title>');
    await writeFile(path.join(dir, 'assets', 'app-abc123.js'), 'console.log(1)');
    await writeFile(path.join(path.dirname(dir), 'secret.txt'), 'outside');
    return start({ staticDir: dir });
  }

  test('deep links answer index.html so a reload keeps the page', async () => {
    const { base } = await spa();
    for (const url of ['/', '/agents', '/agents/0123456789abcdef01234567']) {
      const response = await fetch(`${base}${url}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(await response.text()).toContain('<title>Switchboard</title>');
    }
  });

  test('hashed assets are cached for a year; missing files are 404', async () => {
    const { base } = await spa();
    const asset = await fetch(`${base}/assets/app-abc123.js`);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
  });

  test('paths cannot escape the folder', async () => {
    const { port } = await spa();
    const status = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/../secret.txt' }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
        .on('error', reject)
        .end();
    });
    expect(status.body).not.toContain('outside');
    const encoded = await fetch(`http://127.0.0.1:${port}/%2e%2e/secret.txt`);
    expect(await encoded.text()).not.toContain('outside');
  });
});

describe('graceful shutdown', () => {
  test('an in-flight request finishes; new connections are refused', async () => {
    const { port, http } = await start();
    const body = JSON.stringify({ name: 'Finishes during shutdown' });
    const response = new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/trpc/agents.create',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => req.end(body.slice(10)), 300);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stopped = http.shutdown(5000);
    running.splice(running.indexOf(http), 1);
    expect(await response).toBe(200);
    await stopped;
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
