// better-auth on the MongoDB-wire-protocol server the app uses (FerretDB here: no transactions):
// its indexes, concurrent account creation, and sign-in, sessions and sign-out over HTTP.

import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Connection } from 'mongoose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  connectTestDatabase,
  dropTestDatabase,
  testDatabaseUri,
} from '../../scripts/testing/services.ts';
import { createHttpServer, type HttpServer } from '../http/server.ts';
import { createMemoryLogger } from '../logger.ts';
import { appRouter } from '../routers/_app.ts';
import { buildServices } from '../testing/builders.ts';
import { TEST_PASSWORD } from '../testing/people.ts';
import { createAuthenticate } from './authenticate.ts';
import { createBetterAuthAccounts } from './better-auth.ts';
import { createSignInLockout } from './lockout.ts';

const COLLECTIONS = ['user', 'session', 'account', 'verification'];

let connection: Connection;

beforeAll(async () => {
  connection = await connectTestDatabase(testDatabaseUri('better_auth'));
});

afterAll(async () => {
  if (connection) await dropTestDatabase(connection);
});

beforeEach(async () => {
  for (const name of COLLECTIONS) await connection.collection(name).deleteMany({});
});

const running: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.shutdown(100)));
});

/** Accounts on the test database, as one server process has them. */
function accountsOnDatabase() {
  return createBetterAuthAccounts({
    database: { kind: 'mongodb', db: () => connection.db },
    baseURL: 'http://127.0.0.1',
    secret: randomBytes(32).toString('base64url'),
    signInPerMinute: 100,
    lockout: createSignInLockout(),
    logger: createMemoryLogger(),
  });
}

describe('better-auth on MongoDB (FerretDB)', () => {
  test('ensureIndexes creates the unique e-mail and session-token indexes and the user lookups', async () => {
    await accountsOnDatabase().ensureIndexes();
    const indexes = async (name: string) =>
      new Map((await connection.collection(name).indexes()).map((index) => [index.name, index]));
    expect((await indexes('user')).get('email_unique')).toMatchObject({
      key: { email: 1 },
      unique: true,
    });
    const session = await indexes('session');
    expect(session.get('token_unique')).toMatchObject({ key: { token: 1 }, unique: true });
    expect(session.get('by_user')?.key).toEqual({ userId: 1 });
    expect((await indexes('account')).get('by_user')?.key).toEqual({ userId: 1 });
  });

  test('ensureIndexes accepts the equivalent indexes better-auth made first under its own names', async () => {
    for (const name of ['user', 'session', 'account']) {
      await connection.dropCollection(name).catch(() => undefined);
    }
    // better-auth's MongoDB adapter creates its field indexes in the background on first use:
    // a sign-in that reaches the server before start-up's ensureIndexes, or an older start.
    const first = accountsOnDatabase();
    await first.findByEmail('nobody@example.com');
    const uniqueEmail = async () =>
      (
        await connection
          .collection('user')
          .indexes()
          .catch(() => [])
      ).find((index) => index.unique === true && JSON.stringify(index.key) === '{"email":1}');
    await expect.poll(uniqueEmail, { timeout: 10_000 }).toBeDefined();
    expect((await uniqueEmail())?.name).not.toBe('email_unique');

    await expect(accountsOnDatabase().ensureIndexes()).resolves.toBeUndefined();
    await expect(accountsOnDatabase().ensureIndexes()).resolves.toBeUndefined();
  });

  test('five processes creating one e-mail at once: one account, the others email_taken', async () => {
    await accountsOnDatabase().ensureIndexes();
    // One instance per "process": nothing in memory serialises them, only the unique index.
    const processes = [1, 2, 3, 4, 5].map(() => accountsOnDatabase());
    // Started, so that all five look the e-mail up before any of them inserts it.
    await Promise.all(processes.map((accounts) => accounts.findByEmail('nobody@example.com')));
    const outcomes = await Promise.all(
      processes.map((accounts, n) =>
        accounts.create({
          email: n % 2 ? 'Dana@Example.com' : 'dana@example.com',
          password: TEST_PASSWORD,
          name: `Dana ${n}`,
        }),
      ),
    );
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual([
      'created',
      'email_taken',
      'email_taken',
      'email_taken',
      'email_taken',
    ]);
    const users = await connection.collection<{ email: string }>('user').find({}).toArray();
    expect(users.map((user) => user.email)).toEqual(['dana@example.com']);
    const created = outcomes.find((outcome) => outcome.status === 'created');
    expect(created?.status === 'created' && created.user.id).toBe(String(users[0]?._id));
  });

  test('sign-in, the session, and sign-out over HTTP', async () => {
    const accounts = accountsOnDatabase();
    await accounts.ensureIndexes();
    const logger = createMemoryLogger();
    const services = buildServices({ accounts, logger });
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
      requestTimeoutMs: 10_000,
      readiness: async () => {},
    });
    running.push(http);
    const { port }: AddressInfo = await http.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${port}`;
    const created = await accounts.create({
      email: 'olive@example.com',
      password: TEST_PASSWORD,
      name: 'Olive',
    });
    if (created.status !== 'created') throw new Error('no account');
    const workspace = await services.workspaces.create(created.user, 'Acme');

    const signIn = (password: string) =>
      fetch(`${base}/api/auth/sign-in/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'olive@example.com', password }),
      });
    expect((await signIn('not the password')).status).toBe(401);
    const signedIn = await signIn(TEST_PASSWORD);
    expect(signedIn.status).toBe(200);
    const cookie = signedIn.headers
      .getSetCookie()
      .find((value) => value.startsWith('sb.session_token='))
      ?.split(';', 1)[0];
    expect(cookie).toBeDefined();
    const headers = { cookie: cookie! };

    const me = await fetch(`${base}/trpc/account.me`, { headers });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      result: {
        data: {
          user: { id: created.user.id, email: 'olive@example.com' },
          workspaces: [{ id: workspace.id, role: 'owner' }],
        },
      },
    });
    const sessions = await fetch(`${base}/api/auth/list-sessions`, { headers });
    expect(sessions.status).toBe(200);
    expect(await sessions.json()).toHaveLength(1);
    expect(await connection.collection('session').countDocuments()).toBe(1);

    const out = await fetch(`${base}/api/auth/sign-out`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(out.status).toBe(200);
    expect(await connection.collection('session').countDocuments()).toBe(0);
    expect((await fetch(`${base}/trpc/account.me`, { headers })).status).toBe(401);
  });
});
