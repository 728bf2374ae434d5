import { expect, test } from 'vitest';
import { issuesByField } from './form-issues.ts';

test('issues are filed by the field their path names after the form’s prefix', () => {
  expect(
    issuesByField(
      [
        { path: ['newAccount', 'password'], message: 'At least 12 characters' },
        { path: ['newAccount', 'password'], message: 'At least 12 characters' },
        { path: ['newAccount', 'name'], message: 'Must not be empty' },
        { path: ['token'], message: 'Invalid' },
        { path: [], message: 'Whole input' },
      ],
      ['newAccount'],
    ),
  ).toEqual({
    password: ['At least 12 characters'],
    name: ['Must not be empty'],
    form: ['Invalid', 'Whole input'],
  });
  expect(issuesByField([{ path: ['origins', 1], message: 'Bad origin' }])).toEqual({
    origins: ['Bad origin'],
  });
});
