// The first owner of a fresh server process, made the way an operator would: claim the install
// with the setup token the server printed, sign in, make a secret key. For tests that run the
// server as its own process (browser tests, server/main.int.test.ts).

import { PERMISSIONS, type Permission } from '../../shared/auth.schema.ts';

export interface SessionCookie {
  name: string;
  value: string;
}

export interface TestAccount {
  email: string;
  password: string;
  /** A session of this account, for browser contexts that start signed in. */
  cookie: SessionCookie;
}

/** A server process: where it answers, and what it has printed so far. */
export interface RunningServer {
  baseUrl: string;
  output(): string;
}

/** Waits for the setup token in the server's log (it is printed once the database answers). */
export async function readSetupToken(server: RunningServer, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = /"setupToken":"(sb_setup_[A-Za-z0-9_-]+)"/.exec(server.output());
    if (match?.[1]) return match[1];
    if (Date.now() > deadline) {
      throw new Error(`The server printed no setup token. Its output:\n${server.output()}`);
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
  app: RunningServer,
): Promise<{ owner: TestAccount; apiKey: string }> {
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
