import { expect, test } from 'vitest';
import { ROLE_PERMISSIONS } from '../../../shared/access.ts';
import { grantableScopes, permissionsOf } from './permissions.ts';

test('a role’s permissions are the shared table’s', () => {
  const viewer = permissionsOf('viewer');
  expect(viewer.has('agents:read')).toBe(true);
  expect(viewer.has('sessions:start')).toBe(true);
  expect(viewer.has('agents:write')).toBe(false);
  expect(viewer.has('telephony:write')).toBe(false);
  expect(permissionsOf('admin').has('keys:admin')).toBe(true);
  expect(permissionsOf('admin').has('members:admin')).toBe(false);
  expect(permissionsOf('owner').has('members:admin')).toBe(true);
  for (const role of ['owner', 'admin', 'member', 'viewer'] as const) {
    expect([...permissionsOf(role)].sort()).toEqual([...ROLE_PERMISSIONS[role]].sort());
  }
});

test('a new key can be given only the scopes its creator’s role has, in the listed order', () => {
  expect(grantableScopes(permissionsOf('admin'))).toEqual([
    'agents:read',
    'agents:write',
    'sessions:start',
    'sessions:read',
    'telephony:read',
    'telephony:write',
    'keys:admin',
  ]);
  expect(grantableScopes(permissionsOf('viewer'))).toEqual([
    'agents:read',
    'sessions:start',
    'telephony:read',
  ]);
});
