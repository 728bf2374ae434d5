import { describe, expect, test } from 'vitest';
import { EnvError, loadEnv } from './env.ts';

function problemsOf(source: Record<string, string>): string[] {
  try {
    loadEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
  throw new Error('expected the environment to be rejected');
}

const SECRET = 'a-test-secret-of-at-least-32-characters';

describe('loadEnv', () => {
  test('an empty environment gives the documented defaults', () => {
    const env = loadEnv({});
    expect(env.MONGODB_URI).toBeUndefined();
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: 4000,
      AGENT_NAME: 'switchboard-agent',
      SESSION_TTL_SECONDS: 600,
      SESSION_RATE_PER_MINUTE: 60,
      SESSION_KEY_RATE_PER_MINUTE: 30,
      SESSION_CONCURRENT_MAX: 25,
      BODY_LIMIT_BYTES: 1024 * 1024,
      REQUEST_TIMEOUT_MS: 15_000,
      MONGODB_TIMEOUT_MS: 3000,
    });
  });

  test('empty strings count as unset', () => {
    const env = loadEnv({ MONGODB_URI: '', PORT: '' });
    expect(env.MONGODB_URI).toBeUndefined();
    expect(env.PORT).toBe(4000);
  });

  test('every bad value gets one line that names it', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      MONGODB_URI: 'postgres://nope',
      NODE_ENV: 'staging',
      AGENT_NAME: 'has spaces',
    });
    expect(problems).toHaveLength(4);
    expect(problems).toContain('PORT must be an integer from 0 to 65535 (got "eighty")');
    expect(problems).toContain('MONGODB_URI must start with mongodb:// or mongodb+srv://');
    expect(problems.find((line) => line.startsWith('NODE_ENV: '))).toBeDefined();
    expect(problems.find((line) => line.startsWith('AGENT_NAME must'))).toBeDefined();
  });

  test('session.start limits: positive integers, the concurrency cap at most 1000', () => {
    expect(
      loadEnv({
        SESSION_RATE_PER_MINUTE: '600',
        SESSION_KEY_RATE_PER_MINUTE: '5',
        SESSION_CONCURRENT_MAX: '1000',
      }),
    ).toMatchObject({
      SESSION_RATE_PER_MINUTE: 600,
      SESSION_KEY_RATE_PER_MINUTE: 5,
      SESSION_CONCURRENT_MAX: 1000,
    });
    expect(
      problemsOf({
        SESSION_RATE_PER_MINUTE: '0',
        SESSION_KEY_RATE_PER_MINUTE: '1.5',
        SESSION_CONCURRENT_MAX: '1001',
      }),
    ).toEqual([
      'SESSION_RATE_PER_MINUTE must be an integer from 1 to 100000 (got "0")',
      'SESSION_KEY_RATE_PER_MINUTE must be an integer from 1 to 100000 (got "1.5")',
      'SESSION_CONCURRENT_MAX must be an integer from 1 to 1000 (got "1001")',
    ]);
  });

  test('re-dispatch: 5 s first, 60 s deadline by default; integers in range', () => {
    expect(loadEnv({})).toMatchObject({
      AGENT_REDISPATCH_DELAY_MS: 5_000,
      AGENT_DISPATCH_DEADLINE_MS: 60_000,
    });
    expect(
      loadEnv({ AGENT_REDISPATCH_DELAY_MS: '1000', AGENT_DISPATCH_DEADLINE_MS: '8000' }),
    ).toMatchObject({ AGENT_REDISPATCH_DELAY_MS: 1000, AGENT_DISPATCH_DEADLINE_MS: 8000 });
    expect(
      problemsOf({ AGENT_REDISPATCH_DELAY_MS: '10', AGENT_DISPATCH_DEADLINE_MS: 'x' }),
    ).toEqual([
      'AGENT_REDISPATCH_DELAY_MS must be an integer from 500 to 600000 (got "10")',
      'AGENT_DISPATCH_DEADLINE_MS must be an integer from 1000 to 3600000 (got "x")',
    ]);
  });

  test('LiveKit settings come as a set of three', () => {
    expect(problemsOf({ LIVEKIT_URL: 'ws://127.0.0.1:7880' })).toEqual([
      'LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET go together: set all three or none',
    ]);
    expect(
      loadEnv({
        LIVEKIT_URL: 'ws://127.0.0.1:7880',
        LIVEKIT_API_KEY: 'k',
        LIVEKIT_API_SECRET: 's',
      }),
    ).toMatchObject({ LIVEKIT_URL: 'ws://127.0.0.1:7880' });
  });

  test('LIVEKIT_SIP_TRUNK_ID is optional and must look like a trunk id', () => {
    expect(loadEnv({}).LIVEKIT_SIP_TRUNK_ID).toBeUndefined();
    expect(loadEnv({ LIVEKIT_SIP_TRUNK_ID: ' ST_abc123 ' }).LIVEKIT_SIP_TRUNK_ID).toBe('ST_abc123');
    expect(problemsOf({ LIVEKIT_SIP_TRUNK_ID: 'trunk-1' })).toEqual([
      'LIVEKIT_SIP_TRUNK_ID must be a LiveKit inbound trunk id (ST_ followed by letters and digits)',
    ]);
  });

  test('PUBLIC_URL is optional and kept as an origin; a path or another scheme is refused', () => {
    expect(loadEnv({}).PUBLIC_URL).toBeUndefined();
    expect(loadEnv({ PUBLIC_URL: ' https://Switchboard.Example.com/ ' }).PUBLIC_URL).toBe(
      'https://switchboard.example.com',
    );
    expect(loadEnv({ PUBLIC_URL: 'http://10.0.0.5:4000' }).PUBLIC_URL).toBe('http://10.0.0.5:4000');
    for (const bad of [
      'switchboard.example.com',
      'ftp://switchboard.example.com',
      'https://switchboard.example.com/app',
      'https://user:pw@switchboard.example.com',
    ]) {
      expect(problemsOf({ PUBLIC_URL: bad }), bad).toEqual([
        'PUBLIC_URL must be the http:// or https:// address people open, without a path (e.g. https://switchboard.example.com)',
      ]);
    }
  });

  test('AGENT_REPORT_BASE_URL is optional and kept as an origin; a path or another scheme is refused', () => {
    expect(loadEnv({}).AGENT_REPORT_BASE_URL).toBeUndefined();
    expect(
      loadEnv({ AGENT_REPORT_BASE_URL: 'http://Switchboard.internal:4000/' }).AGENT_REPORT_BASE_URL,
    ).toBe('http://switchboard.internal:4000');
    for (const bad of ['switchboard.internal:4000', 'http://switchboard.internal/api']) {
      expect(problemsOf({ AGENT_REPORT_BASE_URL: bad }), bad).toEqual([
        'AGENT_REPORT_BASE_URL must be an http:// or https:// address without a path (e.g. http://switchboard.internal:4000)',
      ]);
    }
  });

  test('ALLOWED_HOSTS is a comma-separated list of host or host:port, lower-cased', () => {
    expect(loadEnv({}).ALLOWED_HOSTS).toEqual([]);
    expect(
      loadEnv({ ALLOWED_HOSTS: ' Switchboard.internal, 10.0.0.5:4000,,[::1]:4000 ' }).ALLOWED_HOSTS,
    ).toEqual(['switchboard.internal', '10.0.0.5:4000', '[::1]:4000']);
    expect(problemsOf({ ALLOWED_HOSTS: 'ok.example, https://switchboard.example.com' })).toEqual([
      'ALLOWED_HOSTS: "https://switchboard.example.com" is not a host name or host:port (e.g. switchboard.internal, 10.0.0.5:4000), without a scheme',
    ]);
  });

  test('production needs AUTH_SECRET, of 32 characters at least', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      'AUTH_SECRET must be set in production: 32+ random characters that sign session cookies (e.g. `openssl rand -base64 32`)',
    ]);
    expect(problemsOf({ AUTH_SECRET: 'short' })).toEqual([
      'AUTH_SECRET must be at least 32 characters (e.g. `openssl rand -base64 32`)',
    ]);
    expect(loadEnv({ NODE_ENV: 'production', AUTH_SECRET: SECRET }).AUTH_SECRET).toBe(SECRET);
  });

  test('DEV_SIGN_IN only outside production and on a loopback HOST', () => {
    expect(loadEnv({ DEV_SIGN_IN: 'true' }).DEV_SIGN_IN).toBe(true);
    expect(loadEnv({}).DEV_SIGN_IN).toBe(false);
    expect(problemsOf({ DEV_SIGN_IN: 'true', HOST: '0.0.0.0' })).toHaveLength(1);
    expect(
      problemsOf({ DEV_SIGN_IN: 'true', NODE_ENV: 'production', AUTH_SECRET: SECRET }),
    ).toHaveLength(1);
  });

  test('production on a non-loopback HOST needs PUBLIC_URL or ALLOWED_HOSTS', () => {
    expect(problemsOf({ NODE_ENV: 'production', HOST: '0.0.0.0', AUTH_SECRET: SECRET })).toEqual([
      'PUBLIC_URL or ALLOWED_HOSTS must be set in production when HOST (0.0.0.0) is not a loopback address: requests are answered only for known host names (e.g. PUBLIC_URL=https://switchboard.example.com)',
    ]);
    const fine = [
      { NODE_ENV: 'production', HOST: '0.0.0.0', PUBLIC_URL: 'https://sb.example.com' },
      { NODE_ENV: 'production', HOST: '::', ALLOWED_HOSTS: 'sb.internal' },
      { NODE_ENV: 'production', HOST: '127.0.0.1' },
      { NODE_ENV: 'production', HOST: '::1' },
      { NODE_ENV: 'development', HOST: '0.0.0.0' },
    ];
    for (const source of fine) {
      expect(
        () => loadEnv({ ...source, AUTH_SECRET: SECRET }),
        JSON.stringify(source),
      ).not.toThrow();
    }
  });

  test('the EnvError message lists one line per problem', () => {
    expect(() => loadEnv({ PORT: '-1', BODY_LIMIT_BYTES: 'lots' })).toThrow(
      /Invalid configuration:\n {2}- PORT .*\n {2}- BODY_LIMIT_BYTES .*/,
    );
  });
});
