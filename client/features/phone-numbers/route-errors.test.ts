import { expect, test } from 'vitest';
import type { ApiErrorDetails, ApiIssue } from '../../../shared/errors.ts';
import type { ApiErrorInfo } from '../../lib/api-error.ts';
import { routeErrorsToFields, takenMessage } from './route-errors.ts';

const info = (
  code: string,
  issues: ApiIssue[],
  details: ApiErrorDetails | null = null,
  message = 'For people only',
): ApiErrorInfo => ({ code, message, issues, details });

test('each problem lands beside the field its path names', () => {
  expect(
    routeErrorsToFields(
      info('BAD_REQUEST', [
        { path: ['did'], message: 'did must have 8–15 digits after the "+" (got 4)' },
        { path: ['label'], message: 'label must be at most 120 characters' },
        { path: [], message: 'nothing to update' },
      ]),
    ),
  ).toEqual({
    did: ['did must have 8–15 digits after the "+" (got 4)'],
    label: ['label must be at most 120 characters'],
    form: ['nothing to update'],
  });
});

test('a deleted agent is said under the agent, from the issue or from the details', () => {
  const missing = {
    reason: 'not-found',
    resource: 'agent',
    id: '665f1c2e9b1d4a0012345678',
  } as const;
  expect(
    routeErrorsToFields(
      info('NOT_FOUND', [{ path: ['agentId'], message: 'That agent was deleted' }], missing),
    ),
  ).toEqual({ agentId: ['That agent was deleted'] });
  expect(routeErrorsToFields(info('NOT_FOUND', [], missing, 'Agent not found'))).toEqual({
    agentId: ['Agent not found'],
  });
});

test('a number another route has is said under the number, whatever the message', () => {
  const taken = {
    reason: 'number-taken',
    did: '+14155550100',
    routeId: '665f1c2e9b1d4a00123456aa',
    agentId: '665f1c2e9b1d4a0012345678',
  } as const;
  const expected = {
    did: ['+1 415 555 0100 already answers for another agent. Edit or delete that number first.'],
  };
  expect(routeErrorsToFields(info('CONFLICT', [], taken))).toEqual(expected);
  expect(
    routeErrorsToFields(info('CONFLICT', [{ path: ['did'], message: 'taken' }], taken)),
  ).toEqual(expected);
  expect(takenMessage('+14155550100', 'Front desk')).toBe(
    '+1 415 555 0100 already answers for “Front desk”. Edit or delete that number first.',
  );
});

test('without details a CONFLICT is still the number, and a NOT_FOUND is said in the form', () => {
  expect(routeErrorsToFields(info('CONFLICT', [], null, 'That number is taken'))).toEqual({
    did: ['That number is taken'],
  });
  expect(routeErrorsToFields(info('NOT_FOUND', [], null, 'Route gone'))).toEqual({
    form: ['Route gone'],
  });
});

test('an error that is not about the input files nothing: the caller toasts it', () => {
  expect(
    routeErrorsToFields(
      info('SERVICE_UNAVAILABLE', [], { reason: 'unavailable', service: 'database' }),
    ),
  ).toEqual({});
  expect(routeErrorsToFields(info('INTERNAL_SERVER_ERROR', []))).toEqual({});
});
