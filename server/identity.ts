import { ROLE_PERMISSIONS, type Role } from '../shared/auth.schema.ts';
import type { Authenticate, Caller } from './context.ts';

/**
 * The one workspace of a server without sign-in. Until sign-in lands, every HTTP request is its
 * owner (`authenticateAsLocalOwner`, wired in app.ts), and records stored before workspaces
 * existed are adopted into it at start-up. A fixed 24-hex id, so it survives restarts.
 */
export const LOCAL_WORKSPACE_ID = '000000000000000000000001';

/** A person with `role` in `workspaceId`: their permissions are the role's. */
export function callerWithRole(
  workspaceId: string,
  role: Role,
  actor: Caller['actor'] = { kind: 'user', id: `${role}-of-${workspaceId}` },
): Caller {
  return { workspaceId, actor, role, permissions: new Set(ROLE_PERMISSIONS[role]) };
}

/** The owner of the local workspace: what every request is until sign-in replaces it. */
export const localOwnerCaller: Caller = Object.freeze(
  callerWithRole(LOCAL_WORKSPACE_ID, 'owner', { kind: 'local', id: 'local' }),
);

/**
 * TEMPORARY: resolves every request, whatever it carries, to the local workspace's owner, so the
 * dashboard and API behave as before workspaces. Sign-in (sessions and API keys) replaces this
 * function in app.ts; nothing else changes.
 */
export const authenticateAsLocalOwner: Authenticate = async () => ({
  caller: localOwnerCaller,
  user: null,
  failure: null,
});
