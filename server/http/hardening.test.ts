// What the HTTP layer refuses from browsers on other sites (form posts, foreign origins, DNS
// rebinding) and the headers it answers with. Requests go through node:http so that Host, Origin
// and Sec-Fetch-Site are sent exactly as a browser would send them.

import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createMemoryLiveKitRooms } from '../adapters/memory/livekit-rooms.memory.ts';
import type { Authenticate, Caller, Services } from '../context.ts';
import {
  buildAgentInput,
  buildPublishableCaller,
  buildServices,
  TEST_WORKSPACE_ID,
} from '../testing/builders.ts';
import { authenticateAsLocalOwner } from '../identity.ts';
import { sendRaw } from '../testing/http-request.ts';
import { loadEnv } from '../env.ts';
import { createMemoryLogger } from '../logger.ts';
import { appRouter } from '../routers/_app.ts';
import {
  isLoopbackAddress,
  parseHost,
  requestGuardOptionsFromEnv,
  type RequestGuardOptions,
} from './request-guard.ts';
import { contentSecurityPolicy } from './security-headers.ts';
import { createHttpServer, type HttpServer } from './server.ts';

const LIVEKIT_URL = 'ws://127.0.0.1:7880';
const EXPECTED_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self' ws://127.0.0.1:7880 http://127.0.0.1:7880; object-src 'none'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const running: HttpServer[] = [];
let staticDir: string | undefined;
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.shutdown(100)));
  if (staticDir) await rm(staticDir, { recursive: true, force: true });
  staticDir = undefined;
});

/** As in development unless told otherwise: loopback Hosts, no loopback Origins. */
async function start(
  guard: RequestGuardOptions = { allowLoopbackHosts: true, allowLoopbackOrigins: false },
  options: { staticDir?: string; services?: Services; authenticate?: Authenticate } = {},
) {
  const logger = createMemoryLogger();
  const http = createHttpServer({
    router: appRouter,
    context: {
      services: options.services ?? buildServices(),
      logger,
      authenticate: options.authenticate ?? authenticateAsLocalOwner,
    },
    logger,
    bodyLimitBytes: 64 * 1024,
    requestTimeoutMs: 5000,
    readiness: async () => {},
    guard,
    livekitUrl: LIVEKIT_URL,
    ...(options.staticDir && { staticDir: options.staticDir }),
  });
  running.push(http);
  const address: AddressInfo = await http.listen(0, '127.0.0.1');
  return { port: address.port, self: `127.0.0.1:${address.port}`, logger };
}

/** One request with exactly these headers (Host included: it defaults to 127.0.0.1:port). */
const send = (
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
) => sendRaw(port, options);

const createAgent = (port: number, headers: Record<string, string>, name = 'From a page') =>
  send(port, {
    method: 'POST',
    path: '/trpc/agents.create',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ name }),
  });

async function agentNames(port: number): Promise<string[]> {
  const answer = await send(port, { path: '/trpc/agents.list' });
  const body = answer.json() as { result: { data: { items: { name: string }[] } } };
  return body.result.data.items.map((agent) => agent.name);
}

/** The error shape of shared/errors.ts, as the HTTP layer writes it. */
function refusal(code: string, httpStatus: number, path = 'agents.create') {
  return {
    error: {
      message: expect.any(String) as unknown,
      code: { FORBIDDEN: -32003, UNSUPPORTED_MEDIA_TYPE: -32015 }[code],
      data: { code, httpStatus, path, issues: [], details: null },
    },
  };
}

describe('mutations take JSON bodies only', () => {
  const boundary = '----switchboard-test';
  const multipart = [
    `--${boundary}`,
    'Content-Disposition: form-data; name="name"',
    '',
    'From a form',
    `--${boundary}--`,
    '',
  ].join('\r\n');

  test.each([
    ['multipart/form-data', `multipart/form-data; boundary=${boundary}`, multipart],
    ['a urlencoded form', 'application/x-www-form-urlencoded', 'name=From+a+form'],
    ['text/plain', 'text/plain;charset=UTF-8', '{"name":"From a form"}'],
    ['a JSON-looking type', 'application/jsonp', '{"name":"From a form"}'],
    ['no Content-Type', undefined, '{"name":"From a form"}'],
  ])('%s is refused with 415 before anything runs', async (_, contentType, body) => {
    const { port } = await start();
    const answer = await send(port, {
      method: 'POST',
      path: '/trpc/agents.create',
      headers: contentType === undefined ? {} : { 'content-type': contentType },
      body,
    });
    expect(answer.status).toBe(415);
    expect(answer.json()).toEqual(refusal('UNSUPPORTED_MEDIA_TYPE', 415));
    expect((answer.json() as { error: { message: string } }).error.message).toContain(
      'Content-Type: application/json',
    );
    expect(await agentNames(port)).toEqual([]);
  });

  test('a no-input mutation sent as a form is refused too (tRPC alone would run it)', async () => {
    const { port } = await start();
    const answer = await send(port, {
      method: 'POST',
      path: '/trpc/telephony.sync',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: `--${boundary}--\r\n`,
    });
    expect(answer.status).toBe(415);
    expect(answer.json()).toEqual(refusal('UNSUPPORTED_MEDIA_TYPE', 415, 'telephony.sync'));
  });

  test('a batch is refused with one error per call', async () => {
    const { port } = await start();
    const answer = await send(port, {
      method: 'POST',
      path: '/trpc/agents.create,agents.create?batch=1',
      headers: { 'content-type': 'text/plain' },
      body: '{"0":{"name":"a"},"1":{"name":"b"}}',
    });
    expect(answer.status).toBe(415);
    expect(answer.json()).toEqual([
      refusal('UNSUPPORTED_MEDIA_TYPE', 415),
      refusal('UNSUPPORTED_MEDIA_TYPE', 415),
    ]);
  });

  test('application/json with parameters is accepted', async () => {
    const { port } = await start();
    const answer = await send(port, {
      method: 'POST',
      path: '/trpc/agents.create',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ name: 'With a charset' }),
    });
    expect(answer.status).toBe(200);
    expect(await agentNames(port)).toEqual(['With a charset']);
  });
});

describe('state-changing requests from other sites', () => {
  test('a foreign Origin is refused with 403 and nothing is created', async () => {
    const { port, logger } = await start();
    const answer = await createAgent(port, { origin: 'https://evil.example' });
    expect(answer.status).toBe(403);
    expect(answer.json()).toEqual(refusal('FORBIDDEN', 403));
    expect(await agentNames(port)).toEqual([]);
    expect(logger.lines.some((line) => line.includes('https://evil.example'))).toBe(true);
  });

  test.each([
    ['Origin: null (a sandboxed frame)', { origin: 'null' }],
    ['the right host on another port', { origin: 'http://127.0.0.1:1' }],
    ['a look-alike name', { origin: 'http://127.0.0.1.evil.example' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }],
  ])('%s is refused with 403', async (_, headers) => {
    const { port } = await start();
    const answer = await createAgent(port, headers);
    expect(answer.status).toBe(403);
    expect(answer.json()).toEqual(refusal('FORBIDDEN', 403));
    expect(await agentNames(port)).toEqual([]);
  });

  test('a cross-site form post is refused as cross-site before its body type is looked at', async () => {
    const { port } = await start();
    const answer = await send(port, {
      method: 'POST',
      path: '/trpc/agents.create',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://evil.example',
        'sec-fetch-site': 'cross-site',
      },
      body: 'name=x',
    });
    expect(answer.status).toBe(403);
  });

  test('the dashboard’s own page (same Origin, Sec-Fetch-Site: same-origin) may create', async () => {
    const { port, self } = await start();
    const answer = await createAgent(port, {
      origin: `http://${self}`,
      'sec-fetch-site': 'same-origin',
    });
    expect(answer.status).toBe(200);
    expect(await agentNames(port)).toEqual(['From a page']);
  });

  test('a request with neither Origin nor Sec-Fetch-Site (curl, Node’s fetch) may create', async () => {
    const { port, self } = await start();
    const response = await fetch(`http://${self}/trpc/agents.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'From a script' }),
    });
    expect(response.status).toBe(200);
    expect(await agentNames(port)).toEqual(['From a script']);
  });

  test('behind a proxy that rewrites Host, the PUBLIC_URL origin may create', async () => {
    const { port } = await start({
      publicOrigin: 'https://switchboard.example.com',
      allowedHosts: ['switchboard-api:4000'],
      allowLoopbackHosts: false,
      allowLoopbackOrigins: false,
    });
    const headers = { host: 'switchboard-api:4000', 'sec-fetch-site': 'same-origin' };
    const own = await createAgent(port, {
      ...headers,
      origin: 'https://switchboard.example.com',
    });
    expect(own.status).toBe(200);
    const other = await createAgent(port, { ...headers, origin: 'https://evil.example' });
    expect(other.status).toBe(403);
  });

  test('in development the Vite dev server’s origin may create; in production it may not', async () => {
    const development = await start({ allowLoopbackHosts: true, allowLoopbackOrigins: true });
    const fromVite = { origin: 'http://localhost:5173', 'sec-fetch-site': 'same-origin' };
    expect((await createAgent(development.port, fromVite)).status).toBe(200);
    const production = await start({ allowLoopbackHosts: true, allowLoopbackOrigins: false });
    expect((await createAgent(production.port, fromVite)).status).toBe(403);
  });

  test('queries are reads: a cross-site GET is answered', async () => {
    const { port } = await start();
    const answer = await send(port, {
      path: '/trpc/system.info',
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(answer.status).toBe(200);
  });
});

describe('the Host allow-list (DNS rebinding)', () => {
  test('a foreign Host is refused: the error shape on /trpc, plain JSON elsewhere', async () => {
    staticDir = await builtSpa();
    const { port } = await start(undefined, { staticDir });
    const host = { host: 'rebound.evil.example' };
    const api = await send(port, { path: '/trpc/agents.list', headers: host });
    expect(api.status).toBe(403);
    expect(api.json()).toEqual(refusal('FORBIDDEN', 403, 'agents.list'));
    const page = await send(port, { path: '/agents', headers: host });
    expect(page.status).toBe(403);
    expect(page.headers['content-type']).toContain('application/json');
    expect(page.json()).toEqual({
      error:
        'Host "rebound.evil.example" is not one of this server\'s names: set PUBLIC_URL or add it to ALLOWED_HOSTS',
    });
    const write = await createAgent(port, host);
    expect(write.status).toBe(403);
    expect(await agentNames(port)).toEqual([]);
  });

  test.each(['127.0.0.1:4000', 'localhost:5173', '[::1]:4000', 'LOCALHOST'])(
    'loopback Host %s is answered while loopback is allowed',
    async (host) => {
      const { port } = await start();
      expect((await send(port, { path: '/trpc/system.info', headers: { host } })).status).toBe(200);
    },
  );

  test('in production on a public address: PUBLIC_URL’s and ALLOWED_HOSTS’ names only', async () => {
    const { port } = await start(
      requestGuardOptionsFromEnv(
        loadEnv({
          NODE_ENV: 'production',
          AUTH_SECRET: 'a-test-secret-of-at-least-32-characters',
          HOST: '0.0.0.0',
          PUBLIC_URL: 'https://switchboard.example.com',
          ALLOWED_HOSTS: 'switchboard.internal, 10.0.0.5:4000',
        }),
      ),
    );
    const status = async (host: string) =>
      (await send(port, { path: '/trpc/system.info', headers: { host } })).status;
    expect(await status('switchboard.example.com')).toBe(200);
    expect(await status('Switchboard.Example.com.:443')).toBe(200);
    expect(await status('switchboard.internal:8080')).toBe(200);
    expect(await status('10.0.0.5:4000')).toBe(200);
    expect(await status('10.0.0.5:4001')).toBe(403);
    expect(await status('127.0.0.1:4000')).toBe(403);
    expect(await status('example.com')).toBe(403);
    expect(await status('switchboard.example.com.evil.example')).toBe(403);
  });

  test('/healthz and /readyz answer a probe that sends the pod’s IP as Host', async () => {
    const { port } = await start({
      publicOrigin: 'https://switchboard.example.com',
      allowLoopbackHosts: false,
      allowLoopbackOrigins: false,
    });
    for (const probe of ['/healthz', '/readyz']) {
      const answer = await send(port, { path: probe, headers: { host: '10.42.0.17:4000' } });
      expect(answer.status, probe).toBe(200);
    }
    const other = await send(port, {
      path: '/trpc/system.info',
      headers: { host: '10.42.0.17:4000' },
    });
    expect(other.status).toBe(403);
  });
});

describe('security headers', () => {
  test('index.html carries the CSP, no-referrer, nosniff, DENY framing and COOP', async () => {
    staticDir = await builtSpa();
    const { port } = await start(undefined, { staticDir });
    for (const page of ['/', '/agents/0123456789abcdef01234567']) {
      const answer = await send(port, { path: page });
      expect(answer.status).toBe(200);
      expect(answer.headers).toMatchObject({
        'content-security-policy': EXPECTED_CSP,
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'cross-origin-opener-policy': 'same-origin',
      });
    }
  });

  test('an asset carries the CSP and nosniff and stays cacheable', async () => {
    staticDir = await builtSpa();
    const { port } = await start(undefined, { staticDir });
    const answer = await send(port, { path: '/assets/app-abc123.js' });
    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({
      'content-security-policy': EXPECTED_CSP,
      'x-content-type-options': 'nosniff',
      'cache-control': 'public, max-age=31536000, immutable',
    });
  });

  test('API answers are no-store and nosniff: tRPC’s own, its errors, the probes', async () => {
    const { port } = await start();
    const answers = [
      await send(port, { path: '/trpc/system.info' }),
      await send(port, { path: '/trpc/agents.get?input=%7B%22agentId%22%3A%22nope%22%7D' }),
      await createAgent(port, {}),
      await createAgent(port, { origin: 'https://evil.example' }),
      await send(port, { path: '/healthz' }),
      await send(port, { path: '/readyz' }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 400, 200, 403, 200, 200]);
    for (const answer of answers) {
      expect(answer.headers).toMatchObject({
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      });
    }
  });

  test('connect-src names LiveKit as WebSocket and HTTP, and LiveKit Cloud’s regions', () => {
    expect(contentSecurityPolicy()).toContain("connect-src 'self';");
    expect(contentSecurityPolicy({ livekitUrl: 'https://lk.example.com:7443/' })).toContain(
      "connect-src 'self' wss://lk.example.com:7443 https://lk.example.com:7443;",
    );
    expect(contentSecurityPolicy({ livekitUrl: 'wss://acme-x1y2.livekit.cloud' })).toContain(
      "connect-src 'self' wss://acme-x1y2.livekit.cloud https://acme-x1y2.livekit.cloud " +
        'wss://*.livekit.cloud https://*.livekit.cloud;',
    );
  });
});

describe('host names', () => {
  test('Host values are read as a browser writes them', () => {
    expect(parseHost('Example.COM.:8080')).toEqual({ hostname: 'example.com', port: 8080 });
    expect(parseHost('[::1]:4000')).toEqual({ hostname: '[::1]', port: 4000 });
    expect(parseHost('10.0.0.5')).toEqual({ hostname: '10.0.0.5' });
    for (const bad of ['', 'https://example.com', 'a b', 'example.com:99999', 'x:0', 'a/b'])
      expect(parseHost(bad), bad).toBeUndefined();
  });

  test('loopback bind addresses allow loopback Hosts in production; others do not', () => {
    expect(['127.0.0.1', '127.0.1.1', '::1', 'localhost'].map(isLoopbackAddress)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['0.0.0.0', '::', '10.0.0.5'].map(isLoopbackAddress)).toEqual([false, false, false]);
    const options = (NODE_ENV: string, HOST: string) =>
      requestGuardOptionsFromEnv(
        loadEnv({
          NODE_ENV,
          HOST,
          PUBLIC_URL: 'https://sb.example',
          AUTH_SECRET: 'a-test-secret-of-at-least-32-characters',
        }),
      );
    expect(options('production', '127.0.0.1')).toMatchObject({
      allowLoopbackHosts: true,
      allowLoopbackOrigins: false,
    });
    expect(options('production', '0.0.0.0')).toMatchObject({ allowLoopbackHosts: false });
    expect(options('development', '0.0.0.0')).toMatchObject({
      allowLoopbackHosts: true,
      allowLoopbackOrigins: true,
    });
  });
});

async function builtSpa(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sb-hardening-'));
  await mkdir(path.join(dir, 'assets'));
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>Switchboard</title>');
  await writeFile(path.join(dir, 'assets', 'app-abc123.js'), 'console.log(1)');
  return dir;
}

describe('publishable keys from other sites: session.start only, by CORS without credentials', () => {
  const SHOP = 'https://shop.example';
  const KEY = 'sb_pk_test_0123456789';

  /**
   * A server whose authentication is a stub: a bearer `sb_…` key is a publishable key of the test
   * workspace for its one agent; anything else is the local owner (as cookies would be).
   */
  async function startWithKey(options: { keyPerMinute?: number } = {}) {
    const services = buildServices({
      rooms: createMemoryLiveKitRooms(),
      ...(options.keyPerMinute !== undefined && {
        sessionLimits: { keyPerMinute: options.keyPerMinute },
      }),
    });
    const agent = await services.agents.create(TEST_WORKSPACE_ID, buildAgentInput());
    const key: Caller = buildPublishableCaller(TEST_WORKSPACE_ID, [agent.id]);
    const authenticate: Authenticate = async (req) =>
      req.headers.authorization === `Bearer ${KEY}`
        ? { caller: key, user: null, failure: null }
        : authenticateAsLocalOwner(req);
    const started = await start(undefined, { services, authenticate });
    const startSession = (headers: Record<string, string>, body = { agentId: agent.id }) =>
      send(started.port, {
        method: 'POST',
        path: '/trpc/session.start',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    return { ...started, agent, startSession };
  }

  const fromShop = {
    authorization: `Bearer ${KEY}`,
    origin: SHOP,
    'sec-fetch-site': 'cross-site',
  };

  test('the preflight of session.start: 204 allowing that Origin, POST, the two headers, for 600 s, never credentials', async () => {
    const { port } = await start();
    const answer = await send(port, {
      method: 'OPTIONS',
      path: '/trpc/session.start',
      headers: {
        origin: SHOP,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers).toMatchObject({
      'access-control-allow-origin': SHOP,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'authorization, content-type',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
    expect(answer.headers).not.toHaveProperty('access-control-allow-credentials');
    expect(answer.text).toBe('');
  });

  test.each([
    ['another procedure', '/trpc/agents.create', { origin: SHOP }],
    ['a batch holding session.start', '/trpc/session.start,agents.list?batch=1', { origin: SHOP }],
    ['session.start without an Origin', '/trpc/session.start', {}],
  ])('OPTIONS of %s is still a 405', async (_, path, headers) => {
    const { port } = await start();
    const answer = await send(port, { method: 'OPTIONS', path, headers });
    expect(answer.status).toBe(405);
    expect(answer.headers).not.toHaveProperty('access-control-allow-origin');
  });

  test('a POST with a key from a foreign Origin passes the browser checks: the session starts, readable by that Origin', async () => {
    const { startSession, agent } = await startWithKey();
    const answer = await startSession(fromShop);
    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({ result: { data: { agentId: agent.id } } });
    expect(answer.headers).toMatchObject({
      'access-control-allow-origin': SHOP,
      'access-control-expose-headers': 'Retry-After',
    });
    expect(String(answer.headers.vary).split(/,\s*/)).toContain('Origin');
    expect(answer.headers).not.toHaveProperty('access-control-allow-credentials');
  });

  test('the same POST without Authorization (a cookie’s request) is refused 403, without CORS headers', async () => {
    const { startSession } = await startWithKey();
    const answer = await startSession({ origin: SHOP, 'sec-fetch-site': 'cross-site' });
    expect(answer.status).toBe(403);
    expect(answer.json()).toEqual(refusal('FORBIDDEN', 403, 'session.start'));
    expect(answer.headers).not.toHaveProperty('access-control-allow-origin');
  });

  test.each([
    ['Bearer with something that is not a Switchboard key', 'Bearer abc'],
    ['Basic credentials', 'Basic dXNlcjpwYXNz'],
  ])('%s from a foreign Origin is refused 403', async (_, authorization) => {
    const { startSession } = await startWithKey();
    const answer = await startSession({ ...fromShop, authorization });
    expect(answer.status).toBe(403);
  });

  test.each([
    ['multipart/form-data', 'multipart/form-data; boundary=x', '--x--\r\n'],
    ['a urlencoded form', 'application/x-www-form-urlencoded', 'agentId=x'],
    ['text/plain', 'text/plain', '{}'],
  ])('%s is still 415 with a key', async (_, contentType, body) => {
    const { port } = await startWithKey();
    const answer = await send(port, {
      method: 'POST',
      path: '/trpc/session.start',
      headers: { ...fromShop, 'content-type': contentType },
      body,
    });
    expect(answer.status).toBe(415);
    expect(answer.json()).toEqual(refusal('UNSUPPORTED_MEDIA_TYPE', 415, 'session.start'));
    expect(answer.headers).toMatchObject({ 'access-control-allow-origin': SHOP, vary: 'Origin' });
  });

  test('a key on another mutation from a foreign Origin is not refused by the browser checks, and gets no CORS headers', async () => {
    const { port } = await startWithKey();
    const answer = await send(port, {
      method: 'POST',
      path: '/trpc/agents.create',
      headers: { ...fromShop, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x' }),
    });
    // Authentication decides (this key lacks agents:write); the guard let it through.
    expect(answer.json()).toMatchObject({
      error: { data: { code: 'FORBIDDEN', details: { reason: 'forbidden' } } },
    });
    expect(answer.headers).not.toHaveProperty('access-control-allow-origin');
  });

  test('over the key’s rate: 429 with Retry-After and the details, readable by the page', async () => {
    const { startSession } = await startWithKey({ keyPerMinute: 1 });
    expect((await startSession(fromShop)).status).toBe(200);
    const answer = await startSession(fromShop);
    expect(answer.status).toBe(429);
    expect(answer.headers['retry-after']).toBe('60');
    expect(answer.headers['access-control-allow-origin']).toBe(SHOP);
    expect(answer.json()).toMatchObject({
      error: {
        data: {
          code: 'TOO_MANY_REQUESTS',
          httpStatus: 429,
          details: { reason: 'rate-limited', retryAfterSeconds: 60, limit: 1 },
        },
      },
    });
  });

  test('an answer that is not a 429 carries no Retry-After', async () => {
    const { startSession } = await startWithKey();
    const answer = await startSession(fromShop, { agentId: '0123456789abcdef01234567' });
    expect(answer.status).toBe(403);
    expect(answer.headers).not.toHaveProperty('retry-after');
  });
});
