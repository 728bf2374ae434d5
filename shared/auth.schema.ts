import { z } from 'zod';

/**
 * Who may do what, in one place: the server enforces it (`server/trpc.ts`), the README's roles
 * and permissions tables are this file, and the dashboard will hide what a role cannot do.
 *
 * A caller is reduced to a set of permissions: a signed-in person gets their role's permissions
 * in the workspace they work in; an API key gets its scopes, which are
 * permissions by the same names.
 */

/** The permissions, and what each allows. */
export const PERMISSIONS = {
  'agents:read': 'list and read agents (prompts and configs included)',
  'agents:write': 'create, edit and delete agents',
  'sessions:start': 'start calls (`session.start`): mints LiveKit tokens and dispatches agents',
  'sessions:read': 'see the calls that were started (reserved: no procedure reads them yet)',
  'telephony:read': 'list and read phone-number routes, test a number (`telephony.resolve`)',
  'telephony:write': 'add, change and delete phone-number routes; `telephony.sync`',
  'keys:admin': 'create, list and revoke API keys',
  'members:admin': 'invite and remove members, change roles, rename the workspace',
} as const;

export const permissionSchema = z.enum(
  Object.keys(PERMISSIONS) as [keyof typeof PERMISSIONS, ...(keyof typeof PERMISSIONS)[]],
);
export type Permission = z.output<typeof permissionSchema>;

/** An API key's scopes are permissions; a key can never hold more than its creator's role. */
export const scopeSchema = permissionSchema;
export type Scope = Permission;

export const roleSchema = z.enum(['owner', 'admin', 'member', 'viewer']);
export type Role = z.output<typeof roleSchema>;

const ALL = permissionSchema.options;

/** What each role may do in its workspace. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  /** Everything, including members and keys. */
  owner: ALL,
  /** Agents, numbers and keys (and calls); not members. */
  admin: ALL.filter((permission) => permission !== 'members:admin'),
  /** Agents and calls; reads numbers. */
  member: ['agents:read', 'agents:write', 'sessions:start', 'sessions:read', 'telephony:read'],
  /** Reads, and test calls. */
  viewer: ['agents:read', 'telephony:read', 'sessions:start'],
};

/** What each role is for, as the README says it. */
export const ROLE_SUMMARIES: Readonly<Record<Role, string>> = {
  owner: 'everything, including members and keys',
  admin: 'agents, phone numbers and keys',
  member: 'agents and calls',
  viewer: 'read, and test calls',
};

/** Workspace ids are 24-hex ObjectIds, like every other id. */
export const workspaceIdSchema = z.string().regex(/^[0-9a-f]{24}$/);
