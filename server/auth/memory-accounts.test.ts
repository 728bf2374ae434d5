import { describe, expect, test } from 'vitest';
import { createMemoryLogger } from '../logger.ts';
import { TEST_PASSWORD } from '../testing/people.ts';
import { createMemoryAccounts } from './memory-accounts.ts';

describe('accounts in memory', () => {
  test('creates racing for one e-mail: exactly one is created, the others are email_taken', async () => {
    const accounts = createMemoryAccounts({ logger: createMemoryLogger() });
    const outcomes = await Promise.all(
      [
        'Dana@Example.com',
        'dana@example.com',
        ' dana@example.com',
        'DANA@example.com',
        'dana@example.com',
      ].map((email) => accounts.create({ email, password: TEST_PASSWORD, name: 'Dana' })),
    );
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual([
      'created',
      'email_taken',
      'email_taken',
      'email_taken',
      'email_taken',
    ]);
    const created = outcomes.find((outcome) => outcome.status === 'created');
    expect(await accounts.findByEmail('DANA@EXAMPLE.COM')).toEqual(
      created?.status === 'created' ? created.user : null,
    );
  });

  test('different e-mails created at once are all created', async () => {
    const accounts = createMemoryAccounts({ logger: createMemoryLogger() });
    const outcomes = await Promise.all(
      ['a@example.com', 'b@example.com', 'c@example.com'].map((email) =>
        accounts.create({ email, password: TEST_PASSWORD, name: email }),
      ),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['created', 'created', 'created']);
  });
});
