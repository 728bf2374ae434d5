/**
 * Who may do what, as plain constants: no zod here, so the dashboard's first load can carry them
 * (it hides what a role cannot do) without the schema library, which loads with the pages that
 * validate. `auth.schema.ts` builds the schemas from these and re-exports them.
 *
 * A caller is reduced to a set of permissions: a signed-in person gets their role's permissions
 * in the workspace they work in; an API key gets its scopes, which are permissions by the same
 * names.
 */

/** The permissions, and what each allows. */
export const PERMISSIONS = {
  'agents:read': 'list and read agents (prompts and configs included)',
  'agents:write': 'create, edit and delete agents',
  'sessions:start': 'start calls (`session.start`): mints LiveKit tokens and dispatches agents',
  'sessions:read':
    'call history: list and read calls (`sessions.list`, `sessions.get`), configs they ran with included',
  'telephony:read': 'list and read phone-number routes, test a number (`telephony.resolve`)',
  'telephony:write': 'add, change and delete phone-number routes; `telephony.sync`',
  'keys:admin': 'create, list and revoke API keys',
  'members:admin': 'invite and remove members, change roles, rename the workspace',
  'audit:read':
    'read the audit log (`audit.list`): who changed which agent, number, member or key, when and how',
} as const;

export type Permission = keyof typeof PERMISSIONS;

export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as [Permission, ...Permission[]];

export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** What each role may do in its workspace. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  /** Everything, including members and keys. */
  owner: ALL_PERMISSIONS,
  /** Agents, numbers and keys (and calls); not members, not the audit log. */
  admin: ALL_PERMISSIONS.filter(
    (permission) => permission !== 'members:admin' && permission !== 'audit:read',
  ),
  /** Agents and calls; reads numbers. */
  member: ['agents:read', 'agents:write', 'sessions:start', 'sessions:read', 'telephony:read'],
  /** Reads, and test calls. */
  viewer: ['agents:read', 'telephony:read', 'sessions:start'],
};

/** What each role is for, as the README says it. */
export const ROLE_SUMMARIES: Readonly<Record<Role, string>> = {
  owner: 'everything, including members, keys and the audit log',
  admin: 'agents, phone numbers and keys',
  member: 'agents and calls',
  viewer: 'read, and test calls',
};

/** The header the dashboard (and any cookie client) names its current workspace in. */
export const WORKSPACE_HEADER = 'x-switchboard-workspace';
