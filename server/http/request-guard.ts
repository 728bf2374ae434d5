import type { IncomingHttpHeaders } from 'node:http';
import type { Env } from '../env.ts';

/**
 * What a browser may ask of this server. A page on another site can make the user's browser send
 * requests here (a form post, a `fetch` in `no-cors` mode) and a DNS-rebinding page can even read
 * the answers; the checks below refuse both before any procedure runs. Requests without `Origin`
 * or `Sec-Fetch-Site` (curl, other servers, Node's fetch) are not a browser's and pass: nobody can
 * make someone else's browser send them.
 */
export interface RequestGuardOptions {
  /** PUBLIC_URL's origin: its host name is an allowed Host, the origin itself an allowed Origin. */
  publicOrigin?: string;
  /** ALLOWED_HOSTS, normalised (`name` for any port, `name:port` for that one). */
  allowedHosts?: readonly string[];
  /** `127.0.0.1`, `localhost` and `[::1]` on any port are allowed Host values. */
  allowLoopbackHosts: boolean;
  /**
   * Origins on those loopback names, any port, may send mutations: the Vite dev server's page
   * (its proxy rewrites Host to the API's but keeps the page's Origin). Development only.
   */
  allowLoopbackOrigins: boolean;
}

/** Why a request is refused, in the terms of the error contract. */
export interface GuardRefusal {
  code: 'FORBIDDEN' | 'UNSUPPORTED_MEDIA_TYPE';
  httpStatus: 403 | 415;
  message: string;
}

export interface RequestGuard {
  /** Refuses a Host header that is not one of this server's names (DNS rebinding). */
  checkHost(headers: IncomingHttpHeaders): GuardRefusal | undefined;
  /**
   * Refuses a state-changing request a browser sent from another site, or with a body other
   * than JSON (the only kind a page on another site cannot send without a CORS preflight).
   * A request with an `Authorization: Bearer sb_…` key is not the browser's ambient credentials
   * (authentication ignores cookies when a key comes), so where it comes from is not checked;
   * its body must still be JSON. Reads headers only, so it runs before the body is read.
   */
  checkMutation(headers: IncomingHttpHeaders): GuardRefusal | undefined;
}

export interface HostName {
  /** Lower case, without a trailing dot; an IPv6 address keeps its brackets. */
  hostname: string;
  port?: number;
}

const HOST_PATTERN = /^(\[[0-9a-f:.]+\]|[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?\.?)(?::(\d{1,5}))?$/;

/** A Host header or ALLOWED_HOSTS entry (`name`, `name:port`, `[v6]:port`), or undefined. */
export function parseHost(value: string): HostName | undefined {
  const match = HOST_PATTERN.exec(value.trim().toLowerCase());
  if (!match) return undefined;
  const [, name = '', portText] = match;
  const hostname = name.replace(/\.$/, '');
  if (portText === undefined) return { hostname };
  const port = Number(portText);
  return port >= 1 && port <= 65535 ? { hostname, port } : undefined;
}

export function formatHost({ hostname, port }: HostName): string {
  return port === undefined ? hostname : `${hostname}:${port}`;
}

/** `localhost`, `127.x.x.x` or `[::1]`: a name only this machine answers to. */
export function isLoopbackHostname(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

/** Whether HOST (the address the server binds) is reachable from this machine only. */
export function isLoopbackAddress(address: string): boolean {
  const value = address.trim().toLowerCase();
  return isLoopbackHostname(value === '::1' ? '[::1]' : value);
}

/** The guard's settings from the environment; see the README's Security section. */
export function requestGuardOptionsFromEnv(
  env: Pick<Env, 'NODE_ENV' | 'HOST' | 'PUBLIC_URL' | 'ALLOWED_HOSTS'>,
): RequestGuardOptions {
  const production = env.NODE_ENV === 'production';
  return {
    ...(env.PUBLIC_URL !== undefined && { publicOrigin: env.PUBLIC_URL }),
    allowedHosts: env.ALLOWED_HOSTS,
    allowLoopbackHosts: !production || isLoopbackAddress(env.HOST),
    allowLoopbackOrigins: !production,
  };
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };
/** Header values quoted in messages are cut short: they come from whoever sent the request. */
const QUOTE_MAX = 100;

export function createRequestGuard(options: RequestGuardOptions): RequestGuard {
  const publicUrl = options.publicOrigin === undefined ? undefined : new URL(options.publicOrigin);
  const allowed = (options.allowedHosts ?? []).flatMap((entry) => parseHost(entry) ?? []);

  const inAllowedHosts = (hostname: string, port: number | undefined) =>
    allowed.some(
      (entry) => entry.hostname === hostname && (entry.port === undefined || entry.port === port),
    );

  const hostAllowed = (host: HostName) =>
    (options.allowLoopbackHosts && isLoopbackHostname(host.hostname)) ||
    // PUBLIC_URL's name on any port: a proxy in front may add its own.
    host.hostname === publicUrl?.hostname ||
    inAllowedHosts(host.hostname, host.port);

  const originAllowed = (origin: URL | undefined, host: HostName | undefined) => {
    if (origin === undefined) return false;
    const port = origin.port === '' ? DEFAULT_PORTS[origin.protocol] : Number(origin.port);
    // The page is on this very host: same name and port (a Host without one means the default
    // port of the page's scheme, which may be https in front of a TLS-terminating proxy).
    if (
      host &&
      origin.hostname === host.hostname &&
      port === (host.port ?? DEFAULT_PORTS[origin.protocol])
    ) {
      return true;
    }
    if (publicUrl && origin.origin === publicUrl.origin) return true;
    if (inAllowedHosts(origin.hostname, port)) return true;
    return options.allowLoopbackOrigins && isLoopbackHostname(origin.hostname);
  };

  return {
    checkHost(headers) {
      const raw = headers.host;
      const host = raw === undefined ? undefined : parseHost(raw);
      if (host && hostAllowed(host)) return undefined;
      return {
        code: 'FORBIDDEN',
        httpStatus: 403,
        message:
          raw === undefined
            ? 'The request has no Host header'
            : `Host "${quote(raw)}" is not one of this server's names: set PUBLIC_URL or add it to ALLOWED_HOSTS`,
      };
    },

    checkMutation(headers) {
      const refusal = hasBearerKey(headers) ? undefined : checkSite(headers);
      if (refusal) return refusal;
      const contentType = headers['content-type'];
      if (mediaType(contentType) !== 'application/json') {
        return {
          code: 'UNSUPPORTED_MEDIA_TYPE',
          httpStatus: 415,
          message:
            contentType === undefined
              ? 'The request has no Content-Type: send JSON with Content-Type: application/json'
              : `Content-Type "${quote(contentType)}" is not accepted: send JSON with Content-Type: application/json`,
        };
      }
      return undefined;
    },
  };

  /** A cookie-carrying request from a page on another site (Sec-Fetch-Site, Origin). */
  function checkSite(headers: IncomingHttpHeaders): GuardRefusal | undefined {
    const site = headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      return {
        code: 'FORBIDDEN',
        httpStatus: 403,
        message: `A page on another site may not change data here (Sec-Fetch-Site: ${quote(site)})`,
      };
    }
    const origin = headers.origin;
    if (origin !== undefined && !originAllowed(parseOrigin(origin), parseHostHeader(headers))) {
      return {
        code: 'FORBIDDEN',
        httpStatus: 403,
        message: `Origin "${quote(origin)}" is not this server's: set PUBLIC_URL or ALLOWED_HOSTS to the address the dashboard is opened at`,
      };
    }
    return undefined;
  }
}

/** `Authorization: Bearer sb_…`: one of Switchboard's API or publishable keys. */
export function hasBearerKey(headers: IncomingHttpHeaders): boolean {
  return /^Bearer\s+sb_\S+$/i.test(headers.authorization?.trim() ?? '');
}

function parseHostHeader(headers: IncomingHttpHeaders): HostName | undefined {
  return headers.host === undefined ? undefined : parseHost(headers.host);
}

/** An http(s) origin; undefined for `null` (sandboxed frames, some redirects) and anything else. */
function parseOrigin(value: string): URL | undefined {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  } catch {
    // not a URL: no rule allows it
  }
  return undefined;
}

/** `application/json` from `Application/JSON; charset=utf-8`. */
export function mediaType(value: string | undefined): string | undefined {
  return value?.split(';', 1)[0]?.trim().toLowerCase();
}

function quote(value: string): string {
  return value.length > QUOTE_MAX ? `${value.slice(0, QUOTE_MAX)}…` : value;
}
