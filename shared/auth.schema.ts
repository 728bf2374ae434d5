import { z } from 'zod';

import { ALL_PERMISSIONS, PERMISSIONS, ROLE_PERMISSIONS, ROLE_SUMMARIES, ROLES } from './access.ts';

/**
 * Who may do what, in one place (the constants live in `access.ts`, without zod, for the
 * dashboard's first load): the server enforces it (`server/trpc.ts`), the README's roles and
 * permissions tables are this file, and the dashboard hides what a role cannot do.
 */
export { PERMISSIONS, ROLE_PERMISSIONS, ROLE_SUMMARIES };

export const permissionSchema = z.enum(ALL_PERMISSIONS);
export type Permission = z.output<typeof permissionSchema>;

/** An API key's scopes are permissions; a key can never hold more than its creator's role. */
export const scopeSchema = permissionSchema;
export type Scope = Permission;

export const roleSchema = z.enum(ROLES);
export type Role = z.output<typeof roleSchema>;

/** Workspace ids are 24-hex ObjectIds, like every other id. */
export const workspaceIdSchema = z.string().regex(/^[0-9a-f]{24}$/);
