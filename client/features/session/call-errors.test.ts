import { describe, expect, test } from 'vitest';
import {
  connectProblemMessage,
  connectProblemOf,
  micProblemMessage,
  micProblemOf,
} from './call-errors.ts';

const named = (name: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error('x'), { name }, extra);

describe('call errors', () => {
  test('a denied microphone is recognised by the DOMException name', () => {
    expect(micProblemOf(named('NotAllowedError'))).toBe('denied');
    expect(micProblemOf({ name: 'NotAllowedError', message: 'Permission denied' })).toBe('denied');
    expect(micProblemOf(named('NotFoundError'))).toBe('missing');
    expect(micProblemOf(named('NotReadableError'))).toBe('busy');
    expect(micProblemMessage('denied')).toMatch(/blocked/i);
  });

  test('LiveKit being unreachable is told apart from a refused token', () => {
    expect(connectProblemOf(named('ConnectionError', { reasonName: 'ServerUnreachable' }))).toBe(
      'unreachable',
    );
    expect(connectProblemOf(named('ConnectionError', { reasonName: 'WebSocket' }))).toBe(
      'unreachable',
    );
    expect(connectProblemOf(named('ConnectionError', { reasonName: 'NotAllowed' }))).toBe(
      'rejected',
    );
    expect(connectProblemOf(named('ConnectionError', { reasonName: 'Cancelled' }))).toBe(
      'cancelled',
    );
    // Only the error's name and reason count: a message is never read.
    expect(connectProblemOf(new Error('could not establish signal connection'))).toBe('other');
    expect(connectProblemMessage('unreachable', 'ws://lk.example:7880')).toContain(
      'ws://lk.example:7880',
    );
  });
});
