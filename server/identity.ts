import { ROLE_PERMISSIONS, type Role } from '../shared/auth.schema.ts';
import type { Authenticate, Caller } from './context.ts';
import type { Actor } from './ports/audit-store.port.ts';

/**
 * The first workspace's id. Records stored before workspaces existed are adopted into it at
 * start-up, and the first workspace ever created (by setup, `npm run admin` or the development
 * owner) takes it, so they are that workspace's from the start: nothing is lost on upgrade.
 */
export const FIRST_WORKSPACE_ID = '000000000000000000000001';

/** A person with `role` in `workspaceId`: their permissions are the role's. */
export function callerWithRole(
  workspaceId: string,
  role: Role,
  actor: Caller['actor'] = { kind: 'user', id: `${role}-of-${workspaceId}` },
): Caller {
  return { workspaceId, actor, role, permissions: new Set(ROLE_PERMISSIONS[role]) };
}

/** The first workspace's owner, acting without an account: the default caller of tests. */
export const localOwnerCaller: Caller = Object.freeze(
  callerWithRole(FIRST_WORKSPACE_ID, 'owner', { kind: 'local', id: 'local' }),
);

/**
 * For HTTP tests about something other than authentication: every request is the first
 * workspace's owner. The app authenticates with `createAuthenticate` (server/auth/).
 */
export const authenticateAsLocalOwner: Authenticate = async () => ({
  caller: localOwnerCaller,
  user: null,
  failure: null,
});

/** Who the caller is to the audit log: what procedures pass to the services that change things. */
export function actorOf(caller: Caller): Actor {
  return {
    ...caller.actor,
    ...(caller.actorName !== undefined && { name: caller.actorName }),
    ...(caller.sessionId !== undefined && { sessionId: caller.sessionId }),
  };
}
