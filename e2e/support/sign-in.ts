// Accounts for the browser tests (see scripts/testing/first-owner.ts for how they are made).

import { randomBytes } from 'node:crypto';
import {
  cookieHeader,
  setUpFirstOwner,
  signIn,
  trpcPost,
  type TestAccount,
} from '../../scripts/testing/first-owner.ts';
import type { Role } from '../../shared/auth.schema.ts';
import { startBuiltApp, type BuiltApp } from './built-app.ts';

export {
  cookieHeader,
  readSetupToken,
  setUpFirstOwner,
  signIn,
  trpcPost,
  type SessionCookie,
} from '../../scripts/testing/first-owner.ts';
export type E2eAccount = TestAccount;

/** Another built app (`startBuiltApp`), claimed by its first owner: for tests that need their own. */
export async function startSignedInApp(
  env: Record<string, string>,
): Promise<{ app: BuiltApp; owner: E2eAccount; apiKey: string }> {
  const app = await startBuiltApp({
    AUTH_SECRET: randomBytes(32).toString('base64url'),
    SIGN_IN_RATE_PER_MINUTE: '1000',
    ...env,
  });
  try {
    return {
      app,
      ...(await setUpFirstOwner({ baseUrl: app.baseUrl, output: () => app.child.outputTail(200) })),
    };
  } catch (error) {
    await app.stop();
    throw error;
  }
}

/**
 * A new person in the owner's workspace with `role`, as an invitation makes one: invited by the
 * owner, the account created from the link, signed in.
 */
export async function inviteMember(
  baseUrl: string,
  owner: E2eAccount,
  role: Role,
): Promise<E2eAccount & { name: string }> {
  const suffix = randomBytes(4).toString('hex');
  const email = `${role}-${suffix}@e2e.test`;
  const password = `password of ${role} ${suffix}`;
  const name = `${role[0]?.toUpperCase() ?? ''}${role.slice(1)} ${suffix}`;
  const { token } = await trpcPost<{ token: string }>(
    baseUrl,
    'invitations.create',
    { email, role },
    cookieHeader(owner.cookie),
  );
  await trpcPost(baseUrl, 'invitations.accept', { token, newAccount: { name, password } });
  return { email, password, name, cookie: await signIn(baseUrl, email, password) };
}
