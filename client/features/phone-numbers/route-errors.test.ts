import { expect, test } from 'vitest';
import type { ApiErrorInfo } from '../../lib/api-error.ts';
import { conflictingAgentId, routeErrorsToFields } from './route-errors.ts';

const info = (
  code: string,
  message: string,
  fieldErrors: Record<string, string[]> = {},
): ApiErrorInfo => ({ code, message, fieldErrors });

test('an invalid number, a taken number and a deleted agent land beside their fields', () => {
  expect(
    routeErrorsToFields(
      info('BAD_REQUEST', 'did must have 8–15 digits after the "+" (got 4)', {
        did: ['did must have 8–15 digits after the "+" (got 4)'],
      }),
    ),
  ).toEqual({ did: ['Must have 8–15 digits after the "+" (got 4)'] });

  const taken =
    'did: +14155550100 already routes to agent 665f1c2e9b1d4a0012345678 (route 665f1c2e9b1d4a00123456aa); update or delete that route first';
  expect(routeErrorsToFields(info('CONFLICT', taken))).toEqual({
    did: [
      '+14155550100 already routes to agent 665f1c2e9b1d4a0012345678 (route 665f1c2e9b1d4a00123456aa); update or delete that route first',
    ],
  });
  expect(conflictingAgentId(taken)).toBe('665f1c2e9b1d4a0012345678');

  expect(
    routeErrorsToFields(
      info(
        'NOT_FOUND',
        'agentId: agent 665f1c2e9b1d4a0012345678 was not found (it may have been deleted)',
      ),
    ),
  ).toEqual({
    agentId: ['Agent 665f1c2e9b1d4a0012345678 was not found (it may have been deleted)'],
  });
});

test('several problems are split; one without a key goes by zod’s field list, else to the form', () => {
  expect(
    routeErrorsToFields(
      info('BAD_REQUEST', 'did must start with "+"; label must be at most 120 characters'),
    ),
  ).toEqual({
    did: ['Must start with "+"'],
    label: ['Must be at most 120 characters'],
  });
  expect(
    routeErrorsToFields(
      info('BAD_REQUEST', 'Too big: expected string to have <=120 characters', {
        label: ['x'],
      }),
    ),
  ).toEqual({ label: ['At most 120 characters'] });
  expect(routeErrorsToFields(info('BAD_REQUEST', 'nothing to update'))).toEqual({
    form: ['nothing to update'],
  });
  // Not about the input: the caller toasts it instead.
  expect(routeErrorsToFields(info('SERVICE_UNAVAILABLE', 'The database is not answering'))).toEqual(
    {},
  );
});
