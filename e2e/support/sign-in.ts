// Accounts for the browser tests, made the way an operator would: the first owner claims the
// fresh install with the setup token the server printed, signs in, and makes an API key.

import { randomBytes } from 'node:crypto';
import { PERMISSIONS, type Permission, type Role } from '../../shared/auth.schema.ts';
import { startBuiltApp, type BuiltApp } from './built-app.ts';

export interface SessionCookie {
  name: string;
  value: string;
}

export interface E2eAccount {
  email: string;
  password: string;
  /** A session of this account, for browser contexts that start signed in. */
  cookie: SessionCookie;
}

/** Waits for the setup token in the app's log (it is printed once the database answers). */
export async function readSetupToken(app: BuiltApp, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = /"setupToken":"(sb_setup_[A-Za-z0-9_-]+)"/.exec(app.child.outputTail(200));
    if (match?.[1]) return match[1];
    if (Date.now() > deadline) {
      throw new Error(`The app printed no setup token. Its output:\n${app.child.outputTail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A tRPC call over plain HTTP (a mutation when `input` is given). */
export async function trpcPost<T>(
  baseUrl: string,
  path: string,
  input: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const response = await fetch(`${baseUrl}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as { result?: { data: T }; error?: unknown };
  if (!response.ok || !body.result) {
    throw new Error(`${path} answered ${response.status}: ${JSON.stringify(body.error ?? body)}`);
  }
  return body.result.data;
}

/** Signs in with e-mail and password; the session cookie it sets. */
export async function signIn(
  baseUrl: string,
  email: string,
  password: string,
): Promise<SessionCookie> {
  const response = await fetch(`${baseUrl}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) {
    throw new Error(`sign-in as ${email} answered ${response.status}: ${await response.text()}`);
  }
  for (const header of response.headers.getSetCookie()) {
    const match = /^((?:__Secure-)?sb\.session_token)=([^;]+)/.exec(header);
    if (match?.[1] && match[2]) return { name: match[1], value: match[2] };
  }
  throw new Error(`sign-in as ${email} set no session cookie`);
}

export function cookieHeader(cookie: SessionCookie): Record<string, string> {
  return { cookie: `${cookie.name}=${cookie.value}` };
}

/** Claims the fresh install as its first owner, signed in, with a key holding every scope. */
export async function setUpFirstOwner(
  app: BuiltApp,
): Promise<{ owner: E2eAccount; apiKey: string }> {
  const token = await readSetupToken(app);
  const owner = { email: 'owner@e2e.test', password: 'correct horse battery staple' };
  await trpcPost(app.baseUrl, 'setup.claim', {
    token,
    ...owner,
    name: 'Olive Owner',
    workspaceName: 'E2E workspace',
  });
  const cookie = await signIn(app.baseUrl, owner.email, owner.password);
  const { secret } = await trpcPost<{ secret: string }>(
    app.baseUrl,
    'keys.create',
    {
      kind: 'secret',
      name: 'e2e arrangements',
      scopes: Object.keys(PERMISSIONS) as Permission[],
    },
    cookieHeader(cookie),
  );
  return { owner: { ...owner, cookie }, apiKey: secret };
}

/** Another built app (`startBuiltApp`), claimed by its first owner: for tests that need their own. */
export async function startSignedInApp(
  env: Record<string, string>,
): Promise<{ app: BuiltApp; owner: E2eAccount; apiKey: string }> {
  const app = await startBuiltApp({
    AUTH_SECRET: randomBytes(32).toString('base64url'),
    SIGN_IN_RATE_PER_MINUTE: '1000',
    ...env,
  });
  try {
    return { app, ...(await setUpFirstOwner(app)) };
  } catch (error) {
    await app.stop();
    throw error;
  }
}

/**
 * A new person in the owner's workspace with `role`, as an invitation makes one: invited by the
 * owner, the account created from the link, signed in.
 */
export async function inviteMember(
  baseUrl: string,
  owner: E2eAccount,
  role: Role,
): Promise<E2eAccount & { name: string }> {
  const suffix = randomBytes(4).toString('hex');
  const email = `${role}-${suffix}@e2e.test`;
  const password = `password of ${role} ${suffix}`;
  const name = `${role[0]?.toUpperCase() ?? ''}${role.slice(1)} ${suffix}`;
  const { token } = await trpcPost<{ token: string }>(
    baseUrl,
    'invitations.create',
    { email, role },
    cookieHeader(owner.cookie),
  );
  await trpcPost(baseUrl, 'invitations.accept', { token, newAccount: { name, password } });
  return { email, password, name, cookie: await signIn(baseUrl, email, password) };
}
