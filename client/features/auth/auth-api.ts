/**
 * The sign-in server's endpoints (better-auth under /api/auth), which are plain JSON over HTTP,
 * not tRPC. Failures are read from the status and the body's `code`, never from its message.
 */

/** One signed-in browser or program of the person (better-auth's session, as listed). */
export interface AuthSession {
  id: string;
  /** What revoking it takes; the current one's is the cookie's. */
  token: string;
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
  ipAddress?: string | null;
  userAgent?: string | null;
}

export type SignInProblem =
  | { kind: 'wrong-credentials' }
  /** Too many failed sign-ins for this account (`SIGN_IN_LOCKED`). */
  | { kind: 'locked'; retryAfterSeconds: number | null }
  /** Too many attempts from this address. */
  | { kind: 'rate-limited'; retryAfterSeconds: number | null }
  | { kind: 'refused'; status: number }
  | { kind: 'server'; status: number }
  | { kind: 'network' };

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

function post(path: string, body: unknown): Promise<Response> {
  return fetch(path, {
    method: 'POST',
    headers: JSON_HEADERS,
    body: JSON.stringify(body),
    credentials: 'same-origin',
  });
}

async function jsonOrNull(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

function positiveSeconds(value: unknown): number | null {
  const seconds = typeof value === 'string' ? Number(value) : value;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0
    ? Math.ceil(seconds)
    : null;
}

/** Why a sign-in answer is not a success, from its status, body `code` and retry headers. */
export function signInProblemOf(
  status: number,
  body: unknown,
  header: (name: string) => string | null,
): SignInProblem {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const retryAfterSeconds =
    positiveSeconds(fields.retryAfterSeconds) ??
    positiveSeconds(header('x-retry-after')) ??
    positiveSeconds(header('retry-after'));
  if (status === 401) return { kind: 'wrong-credentials' };
  if (status === 429) {
    return fields.code === 'SIGN_IN_LOCKED'
      ? { kind: 'locked', retryAfterSeconds }
      : { kind: 'rate-limited', retryAfterSeconds };
  }
  // better-auth answers a malformed e-mail with 400 and an unknown one with 401: both mean the
  // same to the person signing in.
  if (status === 400) return { kind: 'wrong-credentials' };
  if (status >= 500) return { kind: 'server', status };
  return { kind: 'refused', status };
}

/** "45 seconds", "2 minutes": a wait, rounded up so that trying then works. */
export function formatWait(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

export function describeSignInProblem(problem: SignInProblem): string {
  switch (problem.kind) {
    case 'wrong-credentials':
      return 'That e-mail and password do not match an account. Check both and try again.';
    case 'locked':
      return `Too many failed sign-ins for this account. Try again in ${formatWait(problem.retryAfterSeconds ?? 60)}.`;
    case 'rate-limited':
      return `Too many sign-in attempts from this address. Try again in ${formatWait(problem.retryAfterSeconds ?? 60)}.`;
    case 'refused':
      return `The server refused the sign-in (HTTP ${problem.status}). Reload the page and try again.`;
    case 'server':
      return 'Signing in failed on the server. Try again; if it keeps failing, check the server log.';
    case 'network':
      return 'The server could not be reached. Check your connection and try again.';
  }
}

/** Signs in with e-mail and password; the server sets the session cookie. */
export async function signInWithPassword(
  email: string,
  password: string,
): Promise<{ ok: true } | { ok: false; problem: SignInProblem }> {
  let response: Response;
  try {
    response = await post('/api/auth/sign-in/email', { email, password });
  } catch {
    return { ok: false, problem: { kind: 'network' } };
  }
  if (response.ok) return { ok: true };
  const body = await jsonOrNull(response);
  return {
    ok: false,
    problem: signInProblemOf(response.status, body, (name) => response.headers.get(name)),
  };
}

/** `npm run dev` on loopback only: signs the development owner in. */
export async function developmentSignIn(): Promise<boolean> {
  try {
    const response = await post('/api/dev/sign-in', {});
    return response.ok;
  } catch {
    return false;
  }
}

async function expectOk(response: Response, what: string): Promise<void> {
  if (!response.ok) throw new Error(`${what} failed (HTTP ${response.status}). Try again.`);
}

export async function signOut(): Promise<void> {
  await expectOk(await post('/api/auth/sign-out', {}), 'Signing out');
}

/** The person's sessions, and which of them is this browser's. */
export async function loadSessions(): Promise<{
  sessions: AuthSession[];
  currentId: string | null;
}> {
  const [list, current] = await Promise.all([
    fetch('/api/auth/list-sessions', { credentials: 'same-origin' }),
    fetch('/api/auth/get-session', { credentials: 'same-origin' }),
  ]);
  await expectOk(list, 'Loading sessions');
  await expectOk(current, 'Loading sessions');
  const sessions = (await list.json()) as AuthSession[];
  const mine = (await current.json()) as { session?: { id?: string } } | null;
  return { sessions, currentId: mine?.session?.id ?? null };
}

export async function revokeSession(token: string): Promise<void> {
  await expectOk(await post('/api/auth/revoke-session', { token }), 'Signing that session out');
}

export async function revokeOtherSessions(): Promise<void> {
  await expectOk(await post('/api/auth/revoke-other-sessions', {}), 'Signing the others out');
}

/** "Chrome on Linux" from a User-Agent header: enough to tell one's own devices apart. */
export function describeUserAgent(userAgent: string | null | undefined): string {
  if (!userAgent) return 'Unknown device';
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /(Chrome|Chromium|HeadlessChrome)\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : /^curl\//.test(userAgent)
            ? 'curl'
            : null;
  const system = /Android/.test(userAgent)
    ? 'Android'
    : /iPhone|iPad|iPod/.test(userAgent)
      ? 'iOS'
      : /Windows/.test(userAgent)
        ? 'Windows'
        : /Mac OS X|Macintosh/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : null;
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system ?? 'Other client';
}
