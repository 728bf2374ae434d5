import type { IncomingMessage } from 'node:http';
import { WORKSPACE_HEADER } from '../../shared/workspace.schema.ts';
import { createAuthenticate } from '../auth/authenticate.ts';
import { createInnerContext } from '../context.ts';
import type { AccountUser } from '../ports/accounts.port.ts';
import { createCaller } from '../routers/_app.ts';
import type { buildCaller } from './builders.ts';

export const TEST_PASSWORD = 'correct horse battery staple';

/**
 * People for router tests over `buildCaller`'s services: real accounts (better-auth in memory),
 * resolved into router callers exactly as a session cookie is (`createAuthenticate`), so a role
 * changed in the store is the role the next call has.
 */
export function buildPeople({ services, logger }: ReturnType<typeof buildCaller>) {
  const account = async (email: string, name = 'Test Person'): Promise<AccountUser> => {
    const created = await services.accounts.create({ email, password: TEST_PASSWORD, name });
    if (created.status !== 'created') throw new Error(`${email} has an account already`);
    return created.user;
  };

  /**
   * A router caller for `user` signed in, working in `workspaceId` (as the dashboard's
   * `x-switchboard-workspace` header names it), or in their first workspace without it.
   */
  const signedIn = async (user: AccountUser, workspaceId?: string) => {
    const authenticate = createAuthenticate({
      accounts: { sessionUser: async () => user },
      workspaces: services.workspaces,
      keys: services.keys,
    });
    const req = {
      headers: workspaceId === undefined ? {} : { [WORKSPACE_HEADER]: workspaceId },
    } as IncomingMessage;
    const { caller, failure } = await authenticate(req);
    return createCaller(
      createInnerContext({ services, logger, caller, user, authFailure: failure }),
    );
  };

  /** A new account owning a new workspace, and their router caller in it. */
  const owner = async (email: string, workspaceName = `${email}'s workspace`) => {
    const user = await account(email);
    const { id: workspaceId } = await services.workspaces.create(user, workspaceName);
    return { user, workspaceId, api: await signedIn(user, workspaceId) };
  };

  return { account, signedIn, owner };
}
