import { randomBytes } from 'node:crypto';
import type { Logger } from '../logger.ts';
import { createBetterAuthAccounts } from './better-auth.ts';
import { createSignInLockout } from './lockout.ts';

/**
 * Accounts kept in this process (better-auth's memory adapter): the embedded default without
 * MONGODB_URI, and what tests use. Sessions end with the process.
 */
export function createMemoryAccounts(options: {
  logger: Logger;
  baseURL?: string;
  secret?: string;
  signInPerMinute?: number;
}) {
  return createBetterAuthAccounts({
    database: { kind: 'memory' },
    baseURL: options.baseURL ?? 'http://127.0.0.1',
    secret: options.secret ?? randomBytes(32).toString('base64url'),
    signInPerMinute: options.signInPerMinute ?? 10,
    lockout: createSignInLockout(),
    logger: options.logger,
  });
}
