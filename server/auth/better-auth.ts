import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { betterAuth } from 'better-auth';
import { memoryAdapter } from 'better-auth/adapters/memory';
import { mongodbAdapter } from 'better-auth/adapters/mongodb';
import { APIError, createAuthMiddleware } from 'better-auth/api';
import { fromNodeHeaders, toNodeHandler } from 'better-auth/node';
import type { mongo } from 'mongoose';
import { PASSWORD_MIN_LENGTH } from '../../shared/workspace.schema.ts';
import { ServiceUnavailableError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { AccountUser, Accounts, CreateAccountOutcome } from '../ports/accounts.port.ts';
import type { SignInLockout } from './lockout.ts';

/** The request header our HTTP layer sets from the socket: better-auth reads client IPs from it. */
export const CLIENT_IP_HEADER = 'x-switchboard-client-ip';

/** better-auth's routes the HTTP layer forwards; everything else under /api/auth is a 404. */
const SERVED_PATHS = new Set([
  '/api/auth/sign-in/email',
  '/api/auth/sign-out',
  '/api/auth/get-session',
  '/api/auth/list-sessions',
  '/api/auth/revoke-session',
  '/api/auth/revoke-other-sessions',
  '/api/auth/change-password',
]);

export interface BetterAuthSettings {
  /** The database (the app's Mongoose connection's `db`), or in memory for the embedded default. */
  database: { kind: 'mongodb'; db: () => mongo.Db | undefined } | { kind: 'memory' };
  /** PUBLIC_URL, or the loopback address the server listens on. */
  baseURL: string;
  /** AUTH_SECRET: signs session cookies. */
  secret: string;
  /** Sign-in attempts per client address per minute (better-auth's rate limiter). */
  signInPerMinute: number;
  lockout: SignInLockout;
  logger: Logger;
}

/**
 * Accounts on better-auth: e-mail + password (scrypt), cookie sessions listed and revoked in the
 * database, sign-in limited per client address (better-auth) and per account (our lock-out).
 * On FerretDB: no transactions (`transaction: false`, no client) and no joins, as the spike in
 * docs/research/better-auth/FINDINGS.md found.
 */
export function createBetterAuthAccounts(settings: BetterAuthSettings): Accounts & {
  ensureIndexes(): Promise<void>;
} {
  const { lockout } = settings;
  const memoryDb: Record<string, Record<string, unknown>[]> = {
    user: [],
    session: [],
    account: [],
    verification: [],
  };
  const build = (database: ReturnType<typeof mongodbAdapter> | ReturnType<typeof memoryAdapter>) =>
    betterAuth({
      appName: 'Switchboard',
      baseURL: settings.baseURL,
      basePath: '/api/auth',
      secret: settings.secret,
      database,
      telemetry: { enabled: false },
      // The HTTP layer's guard has vetted the Origin of every request that reaches better-auth
      // (server/http/request-guard.ts): better-auth's own origin check agrees with it.
      trustedOrigins: (request) => [request?.headers.get('origin')],
      emailAndPassword: {
        enabled: true,
        disableSignUp: true,
        minPasswordLength: PASSWORD_MIN_LENGTH,
        maxPasswordLength: 256,
        revokeSessionsOnPasswordReset: true,
      },
      session: { expiresIn: 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
      rateLimit: {
        enabled: true,
        storage: 'memory',
        window: 60,
        max: 600,
        customRules: {
          '/sign-in/email': { window: 60, max: settings.signInPerMinute },
          '/get-session': false,
        },
      },
      advanced: {
        // better-auth skips its origin and CSRF checks when NODE_ENV is `test`: said explicitly,
        // tests run the checks production runs.
        disableOriginCheck: false,
        useSecureCookies: settings.baseURL.startsWith('https://'),
        cookiePrefix: 'sb',
        ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
      },
      logger: {
        log: (level, message) => {
          if (level === 'error') settings.logger.error(`auth: ${message}`);
          else if (level === 'warn') settings.logger.warn(`auth: ${message}`);
        },
      },
      hooks: {
        before: createAuthMiddleware(async (ctx) => {
          if (ctx.path !== '/sign-in/email') return;
          const retryAfterSeconds = lockout.lockedFor(emailOf(ctx.body));
          if (retryAfterSeconds > 0) {
            throw new APIError('TOO_MANY_REQUESTS', {
              message: `Too many failed sign-ins for this account: try again in ${retryAfterSeconds} s`,
              code: 'SIGN_IN_LOCKED',
              retryAfterSeconds,
            });
          }
        }),
        after: createAuthMiddleware(async (ctx) => {
          if (ctx.path !== '/sign-in/email') return;
          const returned = ctx.context.returned;
          if (returned instanceof APIError) {
            if (returned.statusCode === 401) lockout.failed(emailOf(ctx.body));
          } else {
            lockout.succeeded(emailOf(ctx.body));
          }
        }),
      },
    });
  type Auth = ReturnType<typeof build>;
  let built: { auth: Auth; nodeHandler: ReturnType<typeof toNodeHandler> } | undefined;
  /** Built on first use: on MongoDB once the connection is open (its `Db` exists from then). */
  const instance = () => {
    if (built) return built;
    let database;
    if (settings.database.kind === 'memory') {
      database = memoryAdapter(memoryDb);
    } else {
      const db = settings.database.db();
      if (!db) {
        throw new ServiceUnavailableError(
          'Sign-in is unavailable: the database is not connected yet',
          {
            service: 'database',
            reason: 'unavailable',
          },
        );
      }
      // No client: the adapter never opens a session or transaction (FerretDB has none).
      database = mongodbAdapter(db, { transaction: false });
    }
    const auth = build(database);
    built = { auth, nodeHandler: toNodeHandler(auth) };
    return built;
  };

  const toUser = (user: { id: string; email: string; name: string }): AccountUser => ({
    id: String(user.id),
    email: user.email,
    name: user.name,
  });
  const unavailable = (error: unknown): never => {
    settings.logger.error('accounts database failed', { error });
    throw new ServiceUnavailableError('Accounts are unavailable: the database did not answer', {
      service: 'database',
      reason: 'unavailable',
    });
  };

  const createAccount = async (
    email: string,
    password: string,
    name: string,
  ): Promise<CreateAccountOutcome> => {
    const context = await instance().auth.$context;
    try {
      if (await context.internalAdapter.findUserByEmail(email)) {
        return { status: 'email_taken' };
      }
      const hash = await context.password.hash(password);
      const user = await context.internalAdapter.createUser(
        { email, name, emailVerified: false },
        { method: 'admin' },
      );
      await context.internalAdapter.linkAccount({
        userId: user.id,
        providerId: 'credential',
        accountId: user.id,
        password: hash,
      });
      return { status: 'created', user: toUser(user) };
    } catch (error) {
      if (isDuplicateKey(error)) return { status: 'email_taken' };
      return unavailable(error);
    }
  };
  /**
   * Creates of one e-mail run one after another in this process: the memory database has no
   * unique index to settle a race between them (on MongoDB `email_unique` settles it, across
   * processes too).
   */
  const creating = new Map<string, Promise<unknown>>();
  const oneAtATime = <T>(email: string, task: () => Promise<T>): Promise<T> => {
    const run = (creating.get(email) ?? Promise.resolve()).then(task);
    const settled = run.catch(() => undefined);
    creating.set(email, settled);
    void settled.then(() => {
      if (creating.get(email) === settled) creating.delete(email);
    });
    return run;
  };

  return {
    create({ email, password, name }) {
      const normalised = email.trim().toLowerCase();
      return oneAtATime(normalised, () => createAccount(normalised, password, name));
    },

    async findByEmail(email) {
      const context = await instance().auth.$context;
      const found = await context.internalAdapter
        .findUserByEmail(email.trim().toLowerCase())
        .catch(unavailable);
      return found ? toUser(found.user) : null;
    },

    async sessionUser(req) {
      if (!hasSessionCookie(req)) return null;
      const session = await instance()
        .auth.api.getSession({ headers: fromNodeHeaders(req.headers) })
        .catch(unavailable);
      return session ? { ...toUser(session.user), sessionId: String(session.session.id) } : null;
    },

    async handle(req, res) {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (!SERVED_PATHS.has(path)) return false;
      req.headers[CLIENT_IP_HEADER] = req.socket.remoteAddress ?? 'unknown';
      // better-auth refuses a POST without Origin. Browsers send one with every POST; a request
      // without it is a program's (curl, a script), which no other site can make a browser send,
      // and the HTTP layer's guard has already refused cross-site ones: it stands for this server.
      req.headers.origin ??= new URL(settings.baseURL).origin;
      await instance().nodeHandler(req, res);
      return true;
    },

    async signInForDevelopment(email, res) {
      // A fresh random password each time (nobody knows the development owner's), then a normal
      // sign-in, so the cookie is exactly the one better-auth writes.
      const context = await instance().auth.$context;
      const found = await context.internalAdapter.findUserByEmail(email);
      if (!found) return false;
      const password = randomBytes(24).toString('base64url');
      await context.internalAdapter.updatePassword(
        found.user.id,
        await context.password.hash(password),
      );
      const response = await instance().auth.api.signInEmail({
        body: { email, password },
        asResponse: true,
      });
      if (!response.ok) return false;
      res.setHeader('set-cookie', response.headers.getSetCookie());
      return true;
    },

    async ensureIndexes() {
      if (settings.database.kind !== 'mongodb') return;
      const db = settings.database.db();
      if (!db) return;
      await ensureIndex(db, 'user', 'email', { unique: true, name: 'email_unique' });
      await ensureIndex(db, 'session', 'token', { unique: true, name: 'token_unique' });
      await ensureIndex(db, 'session', 'userId', { name: 'by_user' });
      await ensureIndex(db, 'account', 'userId', { name: 'by_user' });
    },
  };
}

/**
 * Creates a one-field index, or accepts an equivalent one (same field, same uniqueness) under
 * another name: better-auth's MongoDB adapter creates these indexes too, under its own names, in
 * the background on first use; whichever came first, the server must still start.
 */
async function ensureIndex(
  db: mongo.Db,
  collection: string,
  field: string,
  options: { name: string; unique?: boolean },
): Promise<void> {
  try {
    await db.collection(collection).createIndex({ [field]: 1 }, options);
  } catch (error) {
    const existing = await db
      .collection(collection)
      .indexes()
      .catch(() => []);
    const equivalent = existing.some(
      (index) =>
        JSON.stringify(index.key) === JSON.stringify({ [field]: 1 }) &&
        (index.unique === true) === (options.unique === true) &&
        index.partialFilterExpression === undefined,
    );
    if (!equivalent) throw error;
  }
}

function emailOf(body: unknown): string {
  const email = (body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email.trim().toLowerCase() : '';
}

function hasSessionCookie(req: IncomingMessage): boolean {
  const cookie = req.headers.cookie;
  return cookie !== undefined && cookie.includes('sb.session_token=');
}

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 11000;
}

export type { SignInLockout };
