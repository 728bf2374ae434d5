import { expect, test } from 'vitest';
import {
  describeSignInProblem,
  describeUserAgent,
  formatWait,
  signInProblemOf,
} from './auth-api.ts';

const noHeaders = () => null;

test('sign-in failures are told apart by status and body code, with the wait', () => {
  expect(signInProblemOf(401, { code: 'INVALID_EMAIL_OR_PASSWORD' }, noHeaders)).toEqual({
    kind: 'wrong-credentials',
  });
  expect(
    signInProblemOf(429, { code: 'SIGN_IN_LOCKED', retryAfterSeconds: 42 }, noHeaders),
  ).toEqual({ kind: 'locked', retryAfterSeconds: 42 });
  // better-auth's own per-address limit: the wait is in a header.
  expect(
    signInProblemOf(429, { message: 'Too many requests' }, (name) =>
      name === 'x-retry-after' ? '17' : null,
    ),
  ).toEqual({ kind: 'rate-limited', retryAfterSeconds: 17 });
  expect(signInProblemOf(429, null, noHeaders)).toEqual({
    kind: 'rate-limited',
    retryAfterSeconds: null,
  });
  expect(signInProblemOf(503, null, noHeaders)).toEqual({ kind: 'server', status: 503 });
  expect(signInProblemOf(403, null, noHeaders)).toEqual({ kind: 'refused', status: 403 });
});

test('the wait is said in seconds or whole minutes, rounded up', () => {
  expect(formatWait(1)).toBe('1 second');
  expect(formatWait(45)).toBe('45 seconds');
  expect(formatWait(60)).toBe('1 minute');
  expect(formatWait(61)).toBe('2 minutes');
  expect(describeSignInProblem({ kind: 'locked', retryAfterSeconds: 900 })).toBe(
    'Too many failed sign-ins for this account. Try again in 15 minutes.',
  );
  expect(describeSignInProblem({ kind: 'rate-limited', retryAfterSeconds: 30 })).toBe(
    'Too many sign-in attempts from this address. Try again in 30 seconds.',
  );
});

test('a session’s device is named from its user agent', () => {
  expect(
    describeUserAgent(
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36',
    ),
  ).toBe('Chrome on Linux');
  expect(
    describeUserAgent(
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
    ),
  ).toBe('Safari on iOS');
  expect(describeUserAgent('curl/8.5.0')).toBe('curl');
  expect(describeUserAgent(null)).toBe('Unknown device');
});
