import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import {
  PERMISSIONS,
  permissionSchema,
  ROLE_PERMISSIONS,
  ROLE_SUMMARIES,
  roleSchema,
} from './auth.schema.ts';

/** The README's roles table, made from shared/auth.schema.ts. */
export function rolesTable(): string {
  const rows = roleSchema.options.map(
    (role) =>
      `| \`${role}\` | ${ROLE_SUMMARIES[role]} | ${ROLE_PERMISSIONS[role].map((p) => `\`${p}\``).join(', ')} |`,
  );
  return ['| role | for | permissions |', '|---|---|---|', ...rows].join('\n');
}

/** The README's permissions (scopes) table, made from shared/auth.schema.ts. */
export function permissionsTable(): string {
  const rows = permissionSchema.options.map((permission) => {
    const roles = roleSchema.options.filter((role) => ROLE_PERMISSIONS[role].includes(permission));
    return `| \`${permission}\` | ${PERMISSIONS[permission]} | ${roles.join(', ')} |`;
  });
  return ['| permission (scope) | allows | roles |', '|---|---|---|', ...rows].join('\n');
}

test('the README’s roles and permissions tables are the ones shared/auth.schema.ts makes', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  expect(readme).toContain(rolesTable());
  expect(readme).toContain(permissionsTable());
});

test('roles are nested: each role can do everything the next one down can', () => {
  const [owner, admin, member, viewer] = roleSchema.options.map(
    (r) => new Set(ROLE_PERMISSIONS[r]),
  );
  for (const [upper, lower] of [
    [owner, admin],
    [admin, member],
    [member, viewer],
  ] as const) {
    expect([...lower!].filter((p) => !upper!.has(p))).toEqual([]);
  }
  expect(owner!.size).toBe(permissionSchema.options.length);
  expect(admin!.has('members:admin')).toBe(false);
  expect(member!.has('telephony:write')).toBe(false);
  expect([...viewer!].sort()).toEqual(['agents:read', 'sessions:start', 'telephony:read']);
});
