import { TRPCClientError } from '@trpc/client';
import { expect, expectTypeOf, test } from 'vitest';
import { apiErrorInfo, describeApiError } from './api-error.ts';
import { errorCode, shouldRetry, type RouterOutputs } from './trpc.ts';

const serverError = (code: string, message = 'x', fieldErrors: Record<string, string[]> = {}) =>
  TRPCClientError.from({
    error: {
      message,
      code: -32600,
      data: { code, httpStatus: 400, zodError: { formErrors: [], fieldErrors } },
    },
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

test('a failed call is read as code, message and field errors', () => {
  const error = serverError('BAD_REQUEST', 'name must not be empty', {
    name: ['name must not be empty'],
  });
  expect(errorCode(error)).toBe('BAD_REQUEST');
  expect(apiErrorInfo(error)).toEqual({
    code: 'BAD_REQUEST',
    message: 'name must not be empty',
    fieldErrors: { name: ['name must not be empty'] },
  });
  expect(
    describeApiError(serverError('SERVICE_UNAVAILABLE', 'The database is not answering')),
  ).toBe('The database is not answering. Try again in a moment.');
  expect(
    describeApiError(serverError('SERVICE_UNAVAILABLE', 'Persistence is not configured')),
  ).toMatch(/^Persistence is not configured on the server/);
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
