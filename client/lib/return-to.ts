/**
 * Where to go back to after signing in. It travels in the sign-in page's fragment
 * (`/sign-in#next=%2Fagents%2F…`), which never reaches the server or its logs: an invitation's
 * token may be part of it.
 */

export const SIGN_IN_PATH = '/sign-in';
export const DEFAULT_RETURN_PATH = '/agents';

/** Pages anyone may open signed out: being sent to sign in from them would be a loop. */
const PUBLIC_PATHS: ReadonlySet<string> = new Set([SIGN_IN_PATH, '/setup', '/accept-invitation']);

export function isPublicPath(pathname: string): boolean {
  return PUBLIC_PATHS.has(pathname.replace(/\/+$/, '') || '/');
}

/**
 * `value` as a path of this site to navigate to, or the default: never another origin
 * (`//evil.example`, `https://…`, `/\evil`), never the sign-in page itself.
 */
export function safeReturnPath(value: string | null | undefined, origin: string): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) {
    return DEFAULT_RETURN_PATH;
  }
  let url: URL;
  try {
    url = new URL(value, origin);
  } catch {
    return DEFAULT_RETURN_PATH;
  }
  if (url.origin !== origin || url.pathname === SIGN_IN_PATH) return DEFAULT_RETURN_PATH;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The sign-in page, to come back to `returnTo` (a path of this site), the e-mail filled in. */
export function signInHref(returnTo: string, email?: string): string {
  const params = new URLSearchParams();
  if (returnTo && returnTo !== DEFAULT_RETURN_PATH) params.set('next', returnTo);
  if (email) params.set('email', email);
  const fragment = params.toString();
  return fragment ? `${SIGN_IN_PATH}#${fragment}` : SIGN_IN_PATH;
}

/** What the sign-in page's fragment asks for. */
export function readSignInFragment(
  hash: string,
  origin: string,
): { returnTo: string; email: string } {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  return {
    returnTo: safeReturnPath(params.get('next'), origin),
    email: params.get('email') ?? '',
  };
}

/** The page the browser shows, as a path to come back to. */
export function currentPath(location: { pathname: string; search: string; hash: string }): string {
  return `${location.pathname}${location.search}${location.hash}`;
}
