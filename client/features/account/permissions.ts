import {
  ALL_PERMISSIONS,
  ROLE_PERMISSIONS,
  type Permission,
  type Role,
} from '../../../shared/access.ts';

/**
 * What the signed-in person may do in the current workspace, from their role there (the table
 * the server enforces). The dashboard hides what they cannot do; the server still decides, and a
 * FORBIDDEN that gets through (a role changed meanwhile) is shown as the server says it.
 */
export function permissionsOf(role: Role): ReadonlySet<Permission> {
  return new Set(ROLE_PERMISSIONS[role]);
}

/**
 * The scopes a new secret key may be given: a key never holds more than its creator's role
 * (the server refuses more), in the order the permissions are listed.
 */
export function grantableScopes(permissions: ReadonlySet<Permission>): Permission[] {
  return ALL_PERMISSIONS.filter((permission) => permissions.has(permission));
}

const ROLE_LABELS: Readonly<Record<Role, string>> = {
  owner: 'Owner',
  admin: 'Admin',
  member: 'Member',
  viewer: 'Viewer',
};

export function roleLabel(role: Role): string {
  return ROLE_LABELS[role];
}
