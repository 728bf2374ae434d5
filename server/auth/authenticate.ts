import type { IncomingMessage } from 'node:http';
import { WORKSPACE_HEADER } from '../../shared/workspace.schema.ts';
import { workspaceIdSchema } from '../../shared/auth.schema.ts';
import type { Authenticate, Authentication } from '../context.ts';
import { callerWithRole } from '../identity.ts';
import type { Accounts } from '../ports/accounts.port.ts';
import type { ApiKeyService } from '../services/api-key.service.ts';
import type { WorkspaceService } from '../services/workspace.service.ts';

const NOBODY: Authentication = { caller: null, user: null, failure: null };

/**
 * Who a request is, once per request:
 * - `Authorization: Bearer sb_sk_…` / `sb_pk_…`: that key's workspace and scopes. A request with
 *   an Authorization header is never cookie-authenticated (so a cross-site page cannot ride on
 *   the dashboard's cookie by adding one).
 * - otherwise the dashboard's session cookie: the person, in the workspace the
 *   `x-switchboard-workspace` header names (their first one without it), with their role there.
 */
export function createAuthenticate(deps: {
  accounts: Pick<Accounts, 'sessionUser'>;
  workspaces: Pick<WorkspaceService, 'roleIn' | 'memberships'>;
  keys: Pick<ApiKeyService, 'authenticate'>;
}): Authenticate {
  return async (req: IncomingMessage) => {
    const authorization = req.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      const result = match?.[1]
        ? await deps.keys.authenticate(match[1], req.headers.origin)
        : {
            reason: 'invalid-key' as const,
            message: 'Send the key as "Authorization: Bearer <key>"',
          };
      return 'reason' in result
        ? { caller: null, user: null, failure: result }
        : { caller: result, user: null, failure: null };
    }

    const signedIn = await deps.accounts.sessionUser(req);
    if (!signedIn) return NOBODY;
    // The session id goes to the caller (for the audit log), not into `user`, which `account.me` answers.
    const { sessionId, ...user } = signedIn;
    const actor = { kind: 'user' as const, id: user.id };
    const who = { actorName: user.name, ...(sessionId !== undefined && { sessionId }) };
    const requested = req.headers[WORKSPACE_HEADER];
    if (typeof requested === 'string' && requested !== '') {
      const role = workspaceIdSchema.safeParse(requested).success
        ? await deps.workspaces.roleIn(requested, user.id)
        : null;
      if (!role) {
        return {
          caller: null,
          user,
          failure: {
            reason: 'workspace-not-found',
            message: 'No such workspace, or you are not a member of it',
            workspaceId: requested,
          },
        };
      }
      return { caller: { ...callerWithRole(requested, role, actor), ...who }, user, failure: null };
    }
    const [first] = await deps.workspaces.memberships(user.id);
    if (!first) {
      return {
        caller: null,
        user,
        failure: {
          reason: 'no-workspace',
          message: 'You are not in a workspace yet: create one, or open an invitation link',
        },
      };
    }
    return {
      caller: { ...callerWithRole(first.id, first.role, actor), ...who },
      user,
      failure: null,
    };
  };
}
