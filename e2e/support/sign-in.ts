// Accounts for the browser tests (see scripts/testing/first-owner.ts for how they are made).

import { randomBytes } from 'node:crypto';
import { setUpFirstOwner, type TestAccount } from '../../scripts/testing/first-owner.ts';
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
