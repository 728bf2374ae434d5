import { TRPCClientError } from '@trpc/client';
import { expect, expectTypeOf, test } from 'vitest';
import type { ApiErrorDetails, ApiIssue } from '../../shared/errors.ts';
import { apiErrorInfo, describeApiError } from './api-error.ts';
import { errorCode, shouldRetry, type RouterOutputs } from './trpc.ts';

/** A failed call as the client link receives it, `data` as the error contract has it. */
const serverError = (
  code: string,
  message = 'x',
  { issues = [], details = null }: { issues?: ApiIssue[]; details?: ApiErrorDetails | null } = {},
) =>
  TRPCClientError.from({
    error: { message, code: -32600, data: { code, httpStatus: 400, issues, details } },
  });

test('queries are not retried for errors a retry cannot fix', () => {
  for (const code of [
    'BAD_REQUEST',
    'UNAUTHORIZED',
    'NOT_FOUND',
    'CONFLICT',
    'PAYLOAD_TOO_LARGE',
  ]) {
    expect(shouldRetry(0, serverError(code))).toBe(false);
  }
  expect(shouldRetry(0, serverError('SERVICE_UNAVAILABLE'))).toBe(true);
  expect(shouldRetry(1, new TypeError('Failed to fetch'))).toBe(true);
  expect(shouldRetry(2, serverError('INTERNAL_SERVER_ERROR'))).toBe(false);
});

test('a failed call is read as code, message, issues and details', () => {
  const issues = [{ path: ['config', 'llm', 'temperature'], message: 'Must be at most 2' }];
  const error = serverError('BAD_REQUEST', 'config.llm.temperature: Must be at most 2', {
    issues,
  });
  expect(errorCode(error)).toBe('BAD_REQUEST');
  expect(apiErrorInfo(error)).toEqual({
    code: 'BAD_REQUEST',
    message: 'config.llm.temperature: Must be at most 2',
    issues,
    details: null,
  });
  // A reason this client does not know is "no details"; malformed issues are left out.
  const odd = TRPCClientError.from({
    error: {
      message: 'x',
      code: -32600,
      data: {
        code: 'CONFLICT',
        issues: [
          { path: [1], message: 'x' },
          { path: ['ok'], message: 'kept' },
        ],
        details: { reason: 'from-the-future' },
      },
    },
  });
  expect(apiErrorInfo(odd)).toMatchObject({
    issues: [{ path: ['ok'], message: 'kept' }],
    details: null,
  });
});

test('a service that is down or not configured is said from the details, once', () => {
  const timeout = serverError(
    'SERVICE_UNAVAILABLE',
    'LiveKit is not answering (no reply within 5000 ms); try again shortly.',
    { details: { reason: 'timeout', service: 'livekit' } },
  );
  expect(describeApiError(timeout)).toBe('LiveKit did not answer in time. Try again in a moment.');
  expect(
    describeApiError(
      serverError('SERVICE_UNAVAILABLE', 'The database is not answering', {
        details: { reason: 'unavailable', service: 'database' },
      }),
    ),
  ).toBe('The database is not answering. Try again in a moment.');
  expect(
    describeApiError(
      serverError('SERVICE_UNAVAILABLE', 'Persistence is not configured', {
        details: { reason: 'not-configured', service: 'database' },
      }),
    ),
  ).toBe(
    'The database is not configured on the server: it needs its settings (see the banner above).',
  );
  // Without details the server's message is shown as it is, nothing added.
  expect(describeApiError(serverError('SERVICE_UNAVAILABLE', 'Try again shortly.'))).toBe(
    'Try again shortly.',
  );
  expect(describeApiError(serverError('INTERNAL_SERVER_ERROR', 'boom'))).toMatch(
    /^Something went wrong on the server/,
  );
});

test('no answer at all is a network problem', () => {
  const offline = TRPCClientError.from(new TypeError('Failed to fetch'));
  expect(apiErrorInfo(offline)).toMatchObject({
    code: 'NETWORK',
    message: 'The server could not be reached. Check your connection and try again.',
  });
});

test('config fields keep their types through tRPC (checked by tsc)', () => {
  type Config = RouterOutputs['agents']['get']['config'];
  type Resolved = RouterOutputs['session']['start']['config'];
  expectTypeOf<Config['greeting']>().toEqualTypeOf<string | undefined>();
  expectTypeOf<NonNullable<Config['llm']>['temperature']>().toEqualTypeOf<number | undefined>();
  expectTypeOf<Resolved['llm']['provider']>().toEqualTypeOf<string>();
  expectTypeOf<Resolved['rag']['topK']>().toEqualTypeOf<number>();
  expectTypeOf<RouterOutputs['telephony']['resolve']['config']>().toEqualTypeOf<Resolved>();
});
