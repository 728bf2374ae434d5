import { z } from 'zod';
import { formatPath } from '../shared/json-guard.ts';
import { formatHost, isLoopbackAddress, parseHost } from './http/request-guard.ts';
import { CONCURRENCY_SCAN_MAX } from './services/session.service.ts';

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const intFromString = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return fallback;
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
        ctx.addIssue({
          code: 'custom',
          message: `${name} must be an integer from ${min} to ${max} (got "${value}")`,
        });
        return z.NEVER;
      }
      return parsed;
    });

const PUBLIC_URL_RULE =
  'PUBLIC_URL must be the http:// or https:// address people open, without a path (e.g. https://switchboard.example.com)';

/** The address people open, as an origin (`https://switchboard.example.com`). */
const publicUrl = optionalString.transform((value, ctx) => {
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (
    !url ||
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.pathname !== '/' ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    ctx.addIssue({ code: 'custom', message: PUBLIC_URL_RULE });
    return z.NEVER;
  }
  return url.origin;
});

/**
 * Where agent workers post their call reports, as an origin, when they reach the server at another
 * address than PUBLIC_URL (an internal name). Its host must be one the server answers to.
 */
const agentReportBaseUrl = optionalString.transform((value, ctx) => {
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (
    !url ||
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.pathname !== '/' ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    ctx.addIssue({
      code: 'custom',
      message:
        'AGENT_REPORT_BASE_URL must be an http:// or https:// address without a path (e.g. http://switchboard.internal:4000)',
    });
    return z.NEVER;
  }
  return url.origin;
});

/** `name` (any port) or `name:port`, comma-separated; normalised to lower case. */
const allowedHosts = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const entries = (value ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    return entries.map((entry) => {
      const host = parseHost(entry);
      if (host) return formatHost(host);
      ctx.addIssue({
        code: 'custom',
        message: `ALLOWED_HOSTS: "${entry}" is not a host name or host:port (e.g. switchboard.internal, 10.0.0.5:4000), without a scheme`,
      });
      return z.NEVER;
    });
  });

/** Every setting the server reads, with its default. The README's configuration table mirrors it. */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().trim().min(1).default('127.0.0.1'),
    PORT: intFromString('PORT', 0, 65535, 4000),
    /** Where people open the dashboard; its host is allowed, its origin may send mutations. */
    PUBLIC_URL: publicUrl,
    /** Where agent workers post call reports; default PUBLIC_URL, else the server's loopback address. */
    AGENT_REPORT_BASE_URL: agentReportBaseUrl,
    /** More Host names the server answers to (a proxy's upstream name, an internal name). */
    ALLOWED_HOSTS: allowedHosts,
    MONGODB_URI: optionalString.pipe(
      z
        .string()
        .regex(
          /^mongodb(\+srv)?:\/\/\S+$/,
          'MONGODB_URI must start with mongodb:// or mongodb+srv://',
        )
        .optional(),
    ),
    MONGODB_TIMEOUT_MS: intFromString('MONGODB_TIMEOUT_MS', 100, 60_000, 3000),
    LIVEKIT_URL: optionalString.pipe(
      z
        .string()
        .regex(
          /^(wss?|https?):\/\/\S+$/,
          'LIVEKIT_URL must start with ws://, wss://, http:// or https://',
        )
        .optional(),
    ),
    LIVEKIT_API_KEY: optionalString,
    LIVEKIT_API_SECRET: optionalString,
    LIVEKIT_TIMEOUT_MS: intFromString('LIVEKIT_TIMEOUT_MS', 100, 60_000, 5000),
    /** The inbound SIP trunk telephony's rules use; unset, Switchboard keeps `switchboard-inbound`. */
    LIVEKIT_SIP_TRUNK_ID: optionalString.pipe(
      z
        .string()
        .regex(
          /^ST_[A-Za-z0-9]{1,64}$/,
          'LIVEKIT_SIP_TRUNK_ID must be a LiveKit inbound trunk id (ST_ followed by letters and digits)',
        )
        .optional(),
    ),
    AGENT_NAME: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'AGENT_NAME must be 1–64 letters, digits, ".", "_" or "-"')
      .default('switchboard-agent'),
    SESSION_TTL_SECONDS: intFromString('SESSION_TTL_SECONDS', 60, 86_400, 600),
    /** A web call no agent joined is dispatched again this long after it started, then after 2×, 4× … */
    AGENT_REDISPATCH_DELAY_MS: intFromString('AGENT_REDISPATCH_DELAY_MS', 500, 600_000, 5_000),
    /** …until this long after it started: then it ends as `no-agent-available`, its room deleted. */
    AGENT_DISPATCH_DEADLINE_MS: intFromString(
      'AGENT_DISPATCH_DEADLINE_MS',
      1_000,
      3_600_000,
      60_000,
    ),
    /** session.start per minute per workspace (an in-process token bucket). */
    SESSION_RATE_PER_MINUTE: intFromString('SESSION_RATE_PER_MINUTE', 1, 100_000, 60),
    /** session.start per minute per API key or publishable key. */
    SESSION_KEY_RATE_PER_MINUTE: intFromString('SESSION_KEY_RATE_PER_MINUTE', 1, 100_000, 30),
    /** Sessions (rooms) one workspace may have running at once. */
    SESSION_CONCURRENT_MAX: intFromString('SESSION_CONCURRENT_MAX', 1, CONCURRENCY_SCAN_MAX, 25),
    REQUEST_TIMEOUT_MS: intFromString('REQUEST_TIMEOUT_MS', 1000, 300_000, 15_000),
    BODY_LIMIT_BYTES: intFromString('BODY_LIMIT_BYTES', 1024, 16 * 1024 * 1024, 1024 * 1024),
    SHUTDOWN_TIMEOUT_MS: intFromString('SHUTDOWN_TIMEOUT_MS', 0, 120_000, 10_000),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    /** Signs dashboard session cookies: 32+ random characters; required in production. */
    AUTH_SECRET: optionalString.pipe(
      z
        .string()
        .min(32, 'AUTH_SECRET must be at least 32 characters (e.g. `openssl rand -base64 32`)')
        .optional(),
    ),
    /** Sign-in attempts per client address per minute (each account also locks after 5 failures). */
    SIGN_IN_RATE_PER_MINUTE: intFromString('SIGN_IN_RATE_PER_MINUTE', 1, 10_000, 10),
    /** `npm run dev` sets it: POST /api/dev/sign-in signs the development owner in (loopback only). */
    DEV_SIGN_IN: z
      .enum(['true', 'false', ''])
      .optional()
      .transform((value) => value === 'true'),
  })
  .superRefine((env, ctx) => {
    const livekit = [env.LIVEKIT_URL, env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET];
    const given = livekit.filter((value) => value !== undefined).length;
    if (given > 0 && given < 3) {
      ctx.addIssue({
        code: 'custom',
        path: ['LIVEKIT_URL'],
        message:
          'LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET go together: set all three or none',
      });
    }
    if (env.NODE_ENV === 'production' && env.AUTH_SECRET === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_SECRET'],
        message:
          'AUTH_SECRET must be set in production: 32+ random characters that sign session cookies (e.g. `openssl rand -base64 32`)',
      });
    }
    if (env.DEV_SIGN_IN && (env.NODE_ENV === 'production' || !isLoopbackAddress(env.HOST))) {
      ctx.addIssue({
        code: 'custom',
        path: ['DEV_SIGN_IN'],
        message: `DEV_SIGN_IN signs anyone who reaches the server in as its development owner: only outside production, with HOST a loopback address (HOST is ${env.HOST})`,
      });
    }
    // Reachable from other machines with no known name, every request would be refused (only
    // loopback Host values pass in production): say so now rather than with a 403 per request.
    if (
      env.NODE_ENV === 'production' &&
      env.PUBLIC_URL === undefined &&
      env.ALLOWED_HOSTS.length === 0 &&
      !isLoopbackAddress(env.HOST)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['PUBLIC_URL'],
        message: `PUBLIC_URL or ALLOWED_HOSTS must be set in production when HOST (${env.HOST}) is not a loopback address: requests are answered only for known host names (e.g. PUBLIC_URL=https://switchboard.example.com)`,
      });
    }
  });

export type Env = z.output<typeof envSchema>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((line) => `  - ${line}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

/** Parses the environment once, at start-up; every bad value gets one line that names it. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = formatPath(issue.path);
    return issue.message.startsWith(name) ? issue.message : `${name}: ${issue.message}`;
  });
  throw new EnvError(problems);
}
