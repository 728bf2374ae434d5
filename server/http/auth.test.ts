// Authentication over HTTP, as browsers and programs meet it: API keys in Authorization, the
// dashboard's cookie sessions from better-auth (in memory), and the browser checks in front of
// both. Requests go through node:http so that every header is sent exactly as written.

import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { createMemoryLiveKitRooms } from '../adapters/memory/livekit-rooms.memory.ts';
import { createAuthenticate } from '../auth/authenticate.ts';
import { createBetterAuthAccounts } from '../auth/better-auth.ts';
import { createSignInLockout } from '../auth/lockout.ts';
import { createMemoryLogger } from '../logger.ts';
import { appRouter } from '../routers/_app.ts';
import { createTestOwner } from '../testing/auth.ts';
import { buildAgentInput, buildServices } from '../testing/builders.ts';
import { sendRaw, type Answer, type RawRequest } from '../testing/http-request.ts';
import { TEST_PASSWORD } from '../testing/people.ts';
import type { ProcedureMeta } from '../trpc.ts';
import type { RequestGuardOptions } from './request-guard.ts';
import { createHttpServer, type HttpServer } from './server.ts';

const running: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.shutdown(100)));
});

const SHOP = 'https://shop.example';

/**
 * better-auth keeps its per-address sign-in counts in one map per process, whichever instance
 * counts: each server of this file is called from its own loopback address (all of 127/8 is this
 * machine) so that its counts are its own.
 */
const clientAddresses = new Map<number, string>();
let nextClient = 2;

/**
 * The app's HTTP server over memory stores with real better-auth accounts (in memory), its
 * lock-out on a clock the test moves, and LiveKit faked (session.start answers).
 */
async function start(
  options: { baseURL?: string; signInPerMinute?: number; guard?: RequestGuardOptions } = {},
) {
  const logger = createMemoryLogger();
  let at = Date.parse('2030-01-01T00:00:00.000Z');
  const accounts = createBetterAuthAccounts({
    database: { kind: 'memory' },
    baseURL: options.baseURL ?? 'http://127.0.0.1',
    secret: randomBytes(32).toString('base64url'),
    signInPerMinute: options.signInPerMinute ?? 100,
    lockout: createSignInLockout({ now: () => at }),
    logger,
  });
  const services = buildServices({ accounts, logger, rooms: createMemoryLiveKitRooms() });
  const http = createHttpServer({
    router: appRouter,
    context: {
      services,
      logger,
      authenticate: createAuthenticate({
        accounts,
        workspaces: services.workspaces,
        keys: services.keys,
      }),
    },
    accounts,
    logger,
    bodyLimitBytes: 64 * 1024,
    requestTimeoutMs: 5000,
    readiness: async () => {},
    ...(options.guard && { guard: options.guard }),
  });
  running.push(http);
  const { port }: AddressInfo = await http.listen(0, '127.0.0.1');
  const client = `127.0.0.${nextClient++}`;
  clientAddresses.set(port, client);
  const owner = await createTestOwner(services, { workspaceName: 'A' });
  return {
    port,
    client,
    services,
    logger,
    owner,
    advance: (ms: number) => {
      at += ms;
    },
  };
}

/**
 * One request with exactly these headers (Host defaults to 127.0.0.1:port), from the server's
 * client address unless `from`; a body is sent with its Content-Length unless `chunked`.
 */
function send(port: number, options: Omit<RawRequest, 'localAddress'> & { from?: string }) {
  const { from, ...rest } = options;
  const localAddress = from ?? clientAddresses.get(port);
  return sendRaw(port, { ...rest, ...(localAddress !== undefined && { localAddress }) });
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** A query by GET, or a mutation by POST when `input` is given. */
function trpc(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  input?: unknown,
): Promise<Answer> {
  if (input === undefined) return send(port, { path: `/trpc/${path}`, headers });
  return send(port, {
    method: 'POST',
    path: `/trpc/${path}`,
    headers: { ...JSON_TYPE, ...headers },
    body: JSON.stringify(input),
  });
}

const errorData = (answer: Answer) =>
  (answer.json() as { error: { data: { code: string; details: unknown } } }).error.data;
const resultData = <T>(answer: Answer) => (answer.json() as { result: { data: T } }).result.data;

function signInRequest(
  port: number,
  email: string,
  password: string,
  headers: Record<string, string> = {},
) {
  return send(port, {
    method: 'POST',
    path: '/api/auth/sign-in/email',
    headers: { ...JSON_TYPE, ...headers },
    body: JSON.stringify({ email, password }),
  });
}

/** The session cookie a sign-in set (`name=value`), or undefined. */
function sessionCookie(answer: Answer): string | undefined {
  const cookies = [answer.headers['set-cookie'] ?? []].flat();
  const found = cookies.find((cookie) => /^(__Secure-)?sb\.session_token=/.test(cookie));
  return found?.split(';', 1)[0];
}

async function signIn(port: number, email: string, password: string): Promise<string> {
  const answer = await signInRequest(port, email, password);
  expect(answer.status, answer.text).toBe(200);
  const cookie = sessionCookie(answer);
  if (!cookie) throw new Error('sign-in set no session cookie');
  return cookie;
}

describe('API keys in Authorization', () => {
  test('a secret key is its workspace: agents.list answers 200', async () => {
    const { port, owner, services } = await start();
    await services.agents.create(owner.workspaceId, buildAgentInput({ name: 'Front desk' }));
    const answer = await trpc(port, 'agents.list', owner.headers);
    expect(answer.status).toBe(200);
    expect(resultData<{ items: { name: string }[] }>(answer).items.map((a) => a.name)).toEqual([
      'Front desk',
    ]);
  });

  test('an unknown key is 401 invalid-key; a revoked one 401 key-revoked', async () => {
    const { port, owner, services } = await start();
    const unknown = await trpc(port, 'agents.list', {
      authorization: `Bearer sb_sk_${randomBytes(32).toString('base64url')}`,
    });
    expect(unknown.status).toBe(401);
    expect(errorData(unknown)).toMatchObject({
      code: 'UNAUTHORIZED',
      details: { reason: 'invalid-key' },
    });

    const [key] = await services.keys.list(owner.workspaceId);
    await services.keys.revoke(owner.workspaceId, key!.id);
    const revoked = await trpc(port, 'agents.list', owner.headers);
    expect(revoked.status).toBe(401);
    expect(errorData(revoked).details).toEqual({ reason: 'key-revoked' });
  });

  test.each([
    ['Basic dXNlcjpwYXNz'],
    ['Bearer'],
    ['Bearer sb_sk_a sb_sk_b'],
    ['sb_sk_without_scheme'],
    ['Bearer not-a-switchboard-key'],
  ])('a malformed Authorization (%s) is 401 invalid-key', async (authorization) => {
    const { port } = await start();
    const answer = await trpc(port, 'agents.list', { authorization });
    expect(answer.status).toBe(401);
    expect(errorData(answer).details).toEqual({ reason: 'invalid-key' });
  });

  test('a key and a valid session cookie together: the key decides, the cookie is ignored', async () => {
    const { port, owner, services } = await start();
    const cookie = await signIn(port, owner.email, owner.password);
    const reader = await services.keys.create(
      { workspaceId: owner.workspaceId, mayGrant: 'all', createdBy: 'test' },
      { kind: 'secret', name: 'reader', scopes: ['agents:read'] },
    );
    const both = { cookie, authorization: `Bearer ${reader.secret}` };
    expect((await trpc(port, 'agents.list', both)).status).toBe(200);
    const write = await trpc(port, 'agents.create', both, { name: 'Nope' });
    expect(write.status).toBe(403);
    expect(errorData(write).details).toEqual({ reason: 'forbidden', permission: 'agents:write' });
    const me = await trpc(port, 'account.me', both);
    expect(me.status).toBe(403);
    expect(errorData(me).details).toEqual({ reason: 'people-only' });
    const invalid = await trpc(port, 'agents.list', { cookie, authorization: 'Bearer sb_sk_x' });
    expect(invalid.status).toBe(401);
    expect((await services.agents.list(owner.workspaceId, { limit: 10 })).items).toEqual([]);
  });
});

describe('publishable keys', () => {
  async function withPublishableKey() {
    const started = await start();
    const { services, owner } = started;
    const listed = await services.agents.create(owner.workspaceId, buildAgentInput());
    const other = await services.agents.create(owner.workspaceId, buildAgentInput());
    const { secret } = await services.keys.create(
      { workspaceId: owner.workspaceId, mayGrant: 'all', createdBy: 'test' },
      { kind: 'publishable', name: 'Widget', origins: [SHOP], agentIds: [listed.id] },
    );
    const startSession = (headers: Record<string, string>, agentId = listed.id) =>
      trpc(
        started.port,
        'session.start',
        { authorization: `Bearer ${secret}`, 'sec-fetch-site': 'cross-site', ...headers },
        { agentId },
      );
    return { ...started, secret, listed, other, startSession };
  }

  test('from a listed Origin, session.start answers with a token, readable by that Origin', async () => {
    const { startSession, listed } = await withPublishableKey();
    const answer = await startSession({ origin: SHOP });
    expect(answer.status, answer.text).toBe(200);
    expect(resultData(answer)).toMatchObject({
      agentId: listed.id,
      participantToken: expect.any(String) as unknown,
    });
    expect(answer.headers['access-control-allow-origin']).toBe(SHOP);
  });

  test('from an unlisted Origin, or without one: 401 origin-not-allowed', async () => {
    const { startSession, port, secret, listed } = await withPublishableKey();
    const foreign = await startSession({ origin: 'https://evil.example' });
    expect(foreign.status).toBe(401);
    expect(errorData(foreign).details).toEqual({ reason: 'origin-not-allowed' });
    const none = await trpc(
      port,
      'session.start',
      { authorization: `Bearer ${secret}` },
      { agentId: listed.id },
    );
    expect(none.status).toBe(401);
    expect(errorData(none).details).toEqual({ reason: 'origin-not-allowed' });
  });

  test('an agent not in its list is FORBIDDEN agent-not-allowed', async () => {
    const { startSession, other } = await withPublishableKey();
    const answer = await startSession({ origin: SHOP }, other.id);
    expect(answer.status).toBe(403);
    expect(errorData(answer).details).toEqual({ reason: 'agent-not-allowed' });
  });

  test('any other procedure is FORBIDDEN', async () => {
    const { port, secret } = await withPublishableKey();
    const headers = { authorization: `Bearer ${secret}`, origin: SHOP };
    const read = await trpc(port, 'agents.list', headers);
    expect(read.status).toBe(403);
    expect(errorData(read).details).toEqual({ reason: 'forbidden', permission: 'agents:read' });
    const mint = await trpc(port, 'keys.create', headers, {
      kind: 'secret',
      name: 'x',
      scopes: ['agents:read'],
    });
    expect(mint.status).toBe(403);
    expect((await trpc(port, 'account.me', headers)).status).toBe(403);
  });

  test('the CORS preflight of session.start allows the Origin, POST and the two headers', async () => {
    const { port } = await withPublishableKey();
    const answer = await send(port, {
      method: 'OPTIONS',
      path: '/trpc/session.start',
      headers: {
        origin: SHOP,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers).toMatchObject({
      'access-control-allow-origin': SHOP,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'authorization, content-type',
    });
    expect(answer.headers).not.toHaveProperty('access-control-allow-credentials');
  });
});

describe('cookie sessions', () => {
  test('sign-in sets an HttpOnly, SameSite=Lax session cookie, not Secure over http', async () => {
    const { port, owner } = await start();
    const answer = await signInRequest(port, owner.email, owner.password);
    expect(answer.status).toBe(200);
    const set = [answer.headers['set-cookie'] ?? []]
      .flat()
      .find((cookie) => cookie.startsWith('sb.session_token='));
    expect(set).toBeDefined();
    expect(set).toMatch(/;\s*HttpOnly/i);
    expect(set).toMatch(/;\s*SameSite=Lax/i);
    expect(set).toMatch(/;\s*Path=\//i);
    expect(set).not.toMatch(/;\s*Secure/i);
    expect(answer.headers['cache-control']).toBe('no-store');
  });

  test('with an https PUBLIC_URL the cookie is __Secure- and Secure, and it signs requests in', async () => {
    const publicUrl = 'https://switchboard.example.com';
    const { port, owner } = await start({
      baseURL: publicUrl,
      guard: { publicOrigin: publicUrl, allowLoopbackHosts: false, allowLoopbackOrigins: false },
    });
    const host = { host: 'switchboard.example.com' };
    const answer = await signInRequest(port, owner.email, owner.password, host);
    expect(answer.status, answer.text).toBe(200);
    const set = [answer.headers['set-cookie'] ?? []]
      .flat()
      .find((cookie) => cookie.startsWith('__Secure-sb.session_token='));
    expect(set).toMatch(/;\s*Secure/i);
    expect(set).toMatch(/;\s*HttpOnly/i);
    expect(set).toMatch(/;\s*SameSite=Lax/i);
    const me = await trpc(port, 'account.me', { ...host, cookie: sessionCookie(answer)! });
    expect(me.status).toBe(200);
    expect(resultData<{ user: { email: string } }>(me).user.email).toBe(owner.email);
  });

  test('account.me with the cookie: the person and their workspaces', async () => {
    const { port, owner } = await start();
    const cookie = await signIn(port, owner.email, owner.password);
    const me = await trpc(port, 'account.me', { cookie });
    expect(me.status).toBe(200);
    expect(resultData(me)).toMatchObject({
      user: { email: owner.email, name: 'Test Owner' },
      workspaces: [{ id: owner.workspaceId, name: 'A', role: 'owner' }],
    });
    expect(me.headers['cache-control']).toBe('no-store');
  });

  test('x-switchboard-workspace picks the workspace; one the person is not in is NOT_FOUND', async () => {
    const { port, owner, services } = await start();
    const other = await createTestOwner(services, { workspaceName: 'B' });
    await services.agents.create(other.workspaceId, buildAgentInput({ name: 'B’s' }));
    const cookie = await signIn(port, owner.email, owner.password);
    const own = await trpc(port, 'agents.list', {
      cookie,
      'x-switchboard-workspace': owner.workspaceId,
    });
    expect(own.status).toBe(200);
    expect(resultData<{ items: unknown[] }>(own).items).toEqual([]);
    for (const workspaceId of [other.workspaceId, 'not-an-id']) {
      const answer = await trpc(port, 'agents.list', {
        cookie,
        'x-switchboard-workspace': workspaceId,
      });
      expect(answer.status).toBe(404);
      expect(errorData(answer).details).toEqual({
        reason: 'not-found',
        resource: 'workspace',
        id: workspaceId,
      });
    }
  });

  test('signed in without a workspace: FORBIDDEN no-workspace', async () => {
    const { port, services } = await start();
    await services.accounts.create({
      email: 'new@example.com',
      password: TEST_PASSWORD,
      name: 'New',
    });
    const cookie = await signIn(port, 'new@example.com', TEST_PASSWORD);
    const answer = await trpc(port, 'agents.list', { cookie });
    expect(answer.status).toBe(403);
    expect(errorData(answer).details).toEqual({ reason: 'no-workspace' });
    expect((await trpc(port, 'account.me', { cookie })).status).toBe(200);
  });

  test('list-sessions shows each session; revoking another one signs it out at once', async () => {
    const { port, owner } = await start();
    const laptop = await signIn(port, owner.email, owner.password);
    const phone = await signIn(port, owner.email, owner.password);
    const listed = await send(port, {
      path: '/api/auth/list-sessions',
      headers: { cookie: laptop },
    });
    expect(listed.status).toBe(200);
    expect(listed.headers['cache-control']).toBe('no-store');
    const sessions = listed.json() as { token: string }[];
    expect(sessions).toHaveLength(2);
    const phoneToken = decodeURIComponent(phone.split('=')[1]!).split('.')[0];
    expect(sessions.map((session) => session.token)).toContain(phoneToken);

    const revoked = await send(port, {
      method: 'POST',
      path: '/api/auth/revoke-session',
      headers: { ...JSON_TYPE, cookie: laptop },
      body: JSON.stringify({ token: phoneToken }),
    });
    expect(revoked.status, revoked.text).toBe(200);
    const signedOut = await trpc(port, 'account.me', { cookie: phone });
    expect(signedOut.status).toBe(401);
    expect(errorData(signedOut).details).toEqual({ reason: 'unauthenticated' });
    expect((await trpc(port, 'account.me', { cookie: laptop })).status).toBe(200);
  });

  test('sign-out ends the session on the server: the old cookie value is 401', async () => {
    const { port, owner } = await start();
    const cookie = await signIn(port, owner.email, owner.password);
    expect((await trpc(port, 'account.me', { cookie })).status).toBe(200);
    const out = await send(port, {
      method: 'POST',
      path: '/api/auth/sign-out',
      headers: { ...JSON_TYPE, cookie },
      body: '{}',
    });
    expect(out.status, out.text).toBe(200);
    expect((await trpc(port, 'account.me', { cookie })).status).toBe(401);
    expect((await trpc(port, 'agents.list', { cookie })).status).toBe(401);
  });

  test('sign-up over HTTP is 404, and makes no account', async () => {
    const { port, services } = await start();
    const answer = await send(port, {
      method: 'POST',
      path: '/api/auth/sign-up/email',
      headers: JSON_TYPE,
      body: JSON.stringify({ email: 'eve@example.com', password: TEST_PASSWORD, name: 'Eve' }),
    });
    expect(answer.status).toBe(404);
    expect(await services.accounts.findByEmail('eve@example.com')).toBeNull();
  });

  test('paths of better-auth that are not served are 404', async () => {
    const { port } = await start();
    for (const path of ['/api/auth/ok', '/api/auth/update-user', '/api/auth/list-accounts']) {
      expect((await send(port, { path })).status, path).toBe(404);
    }
  });
});

describe('sign-in limits', () => {
  test('a wrong password is 401; after 5 failures the account is locked (429) even with the right one, until the lock ends', async () => {
    const { port, owner, advance } = await start();
    for (let attempt = 1; attempt <= 5; attempt++) {
      const answer = await signInRequest(port, owner.email, 'wrong password!!');
      expect(answer.status, `attempt ${attempt}`).toBe(401);
      expect(sessionCookie(answer)).toBeUndefined();
    }
    const locked = await signInRequest(port, owner.email, owner.password);
    expect(locked.status).toBe(429);
    expect(sessionCookie(locked)).toBeUndefined();
    expect(locked.json()).toMatchObject({ code: 'SIGN_IN_LOCKED' });
    advance(59_000);
    expect((await signInRequest(port, owner.email, owner.password)).status).toBe(429);
    advance(1_000);
    expect((await signInRequest(port, owner.email, owner.password)).status).toBe(200);
  });

  test('the lock is per account: another account signs in from the same address', async () => {
    const { port, owner, services } = await start();
    const other = await createTestOwner(services);
    for (let attempt = 1; attempt <= 5; attempt++) {
      await signInRequest(port, owner.email, 'wrong password!!');
    }
    expect((await signInRequest(port, owner.email.toUpperCase(), owner.password)).status).toBe(429);
    expect((await signInRequest(port, other.email, other.password)).status).toBe(200);
  });

  test('over the per-address rate: 429; another address is counted apart; the client cannot name its own', async () => {
    const { port, owner, client } = await start({ signInPerMinute: 3 });
    const statuses = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      const answer = await signInRequest(port, owner.email, owner.password, {
        'x-switchboard-client-ip': `10.0.0.${attempt}`,
      });
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const from = client.replace('127.0.0.', '127.0.1.');
    const elsewhere = await send(port, {
      method: 'POST',
      path: '/api/auth/sign-in/email',
      headers: JSON_TYPE,
      body: JSON.stringify({ email: owner.email, password: owner.password }),
      from,
    });
    expect(elsewhere.status).toBe(200);
  });
});

describe('browser checks in front of cookies', () => {
  /** A cookie-carrying mutation and a sign-in, with these headers on top. */
  async function attempts(headers: Record<string, string>, options: { body?: string } = {}) {
    const { port, owner, services } = await start();
    const cookie = await signIn(port, owner.email, owner.password);
    const body = options.body;
    const mutation = await send(port, {
      method: 'POST',
      path: '/trpc/workspaces.create',
      headers: { ...JSON_TYPE, cookie, ...headers },
      body: body ?? JSON.stringify({ name: 'Forged' }),
    });
    const signInAnswer = await send(port, {
      method: 'POST',
      path: '/api/auth/sign-in/email',
      headers: { ...JSON_TYPE, cookie, ...headers },
      body: body ?? JSON.stringify({ email: owner.email, password: owner.password }),
    });
    const user = (await services.accounts.findByEmail(owner.email))!;
    const workspaces = await services.workspaces.memberships(user.id);
    return { mutation, signIn: signInAnswer, workspaces };
  }

  test.each([
    [
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--',
    ],
    ['application/x-www-form-urlencoded', 'name=Forged&email=a%40b.c&password=x'],
    ['text/plain', '{"name":"Forged"}'],
  ])('a body of %s is 415 on /trpc and on sign-in', async (contentType, body) => {
    const {
      mutation,
      signIn: answer,
      workspaces,
    } = await attempts({ 'content-type': contentType }, { body });
    expect(mutation.status).toBe(415);
    expect(answer.status).toBe(415);
    expect(sessionCookie(answer)).toBeUndefined();
    expect(workspaces).toHaveLength(1);
  });

  test.each([
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['a Host that is not the server’s', { host: 'evil.example' }],
  ])('%s is 403 on /trpc and on sign-in', async (_, headers) => {
    const { mutation, signIn: answer, workspaces } = await attempts(headers);
    expect(mutation.status).toBe(403);
    expect(answer.status).toBe(403);
    expect(sessionCookie(answer)).toBeUndefined();
    expect(workspaces).toHaveLength(1);
  });

  test('the server’s own page (same Origin, same-origin) signs in and mutates', async () => {
    const { port, owner } = await start();
    const self = { origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin' };
    const answer = await signInRequest(port, owner.email, owner.password, self);
    expect(answer.status).toBe(200);
    const created = await trpc(
      port,
      'workspaces.create',
      { ...self, cookie: sessionCookie(answer)! },
      { name: 'Mine' },
    );
    expect(created.status).toBe(200);
  });

  test('/api/auth without Content-Length (chunked) is 411; over 16 KiB is 413', async () => {
    const { port, owner } = await start();
    const chunked = await send(port, {
      method: 'POST',
      path: '/api/auth/sign-in/email',
      headers: JSON_TYPE,
      body: JSON.stringify({ email: owner.email, password: owner.password }),
      chunked: true,
    });
    expect(chunked.status).toBe(411);
    expect(sessionCookie(chunked)).toBeUndefined();
    const large = await send(port, {
      method: 'POST',
      path: '/api/auth/sign-in/email',
      headers: JSON_TYPE,
      body: JSON.stringify({ email: owner.email, password: 'x'.repeat(16 * 1024) }),
    });
    expect(large.status).toBe(413);
    expect(large.headers['cache-control']).toBe('no-store');
  });
});

describe('without credentials, every procedure is UNAUTHORIZED over HTTP', () => {
  /** As routers/access.test.ts lists them. */
  const PUBLIC = ['setup.status', 'setup.claim', 'invitations.preview', 'invitations.accept'];
  const procedures = Object.entries(
    appRouter._def.procedures as unknown as Record<
      string,
      { _def: { type: 'query' | 'mutation'; meta?: ProcedureMeta } }
    >,
  )
    .filter(([path]) => !PUBLIC.includes(path))
    .map(([path, procedure]) => ({ path, type: procedure._def.type }));

  test('the list covers the identity procedures', () => {
    expect(procedures.map(({ path }) => path)).toEqual(
      expect.arrayContaining(['account.me', 'keys.create', 'members.setRole', 'workspaces.create']),
    );
  });

  test('each answers 401 unauthenticated (GET for queries, POST for mutations)', async () => {
    const { port } = await start();
    const answers = [];
    for (const { path, type } of procedures) {
      const answer = await trpc(port, path, {}, type === 'mutation' ? {} : undefined);
      answers.push({ path, status: answer.status, details: errorData(answer).details });
    }
    expect(answers).toEqual(
      procedures.map(({ path }) => ({
        path,
        status: 401,
        details: { reason: 'unauthenticated' },
      })),
    );
  });

  test('a revoked or unknown session cookie is no credential either', async () => {
    const { port } = await start();
    const answer = await trpc(port, 'agents.list', { cookie: 'sb.session_token=forged.value' });
    expect(answer.status).toBe(401);
  });
});
