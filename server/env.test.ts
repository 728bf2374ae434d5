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

  test('the EnvError message lists one line per problem', () => {
    expect(() => loadEnv({ PORT: '-1', BODY_LIMIT_BYTES: 'lots' })).toThrow(
      /Invalid configuration:\n {2}- PORT .*\n {2}- BODY_LIMIT_BYTES .*/,
    );
  });
});
