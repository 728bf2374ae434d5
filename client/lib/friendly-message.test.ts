import { expect, test } from 'vitest';
import { friendlyMessage } from './friendly-message.ts';

test("zod's default messages are rephrased; our own pass through", () => {
  expect(friendlyMessage('Too big: expected number to be <=2')).toBe('Must be at most 2');
  expect(friendlyMessage('Too small: expected number to be >=0.25')).toBe('Must be at least 0.25');
  expect(friendlyMessage('Too small: expected string to have >=1 characters')).toBe(
    'Must not be empty',
  );
  expect(friendlyMessage('Too big: expected string to have <=128 characters')).toBe(
    'At most 128 characters',
  );
  expect(friendlyMessage('Too big: expected array to have <=500 items')).toBe('At most 500 items');
  expect(friendlyMessage('Invalid input: expected number, received string')).toBe(
    'Must be a number',
  );
  expect(friendlyMessage('Invalid input: expected int, received number')).toBe(
    'Must be a whole number',
  );
  expect(friendlyMessage('name must not be empty')).toBe('name must not be empty');
});
