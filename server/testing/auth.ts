import { randomBytes } from 'node:crypto';
import { PERMISSIONS, type Permission } from '../../shared/auth.schema.ts';
import type { Services } from '../context.ts';

export interface TestOwner {
  workspaceId: string;
  email: string;
  password: string;
  /** A secret key of the workspace: `Bearer` it. */
  key: string;
  /** `{ authorization: 'Bearer …' }`, for fetch and tRPC links. */
  headers: Record<string, string>;
}

/**
 * An owner with a workspace and a secret key holding `scopes` (every scope unless given), made
 * through the services as `npm run admin` does: for HTTP tests of an app built in-process.
 */
export async function createTestOwner(
  services: Services,
  options: { workspaceName?: string; scopes?: Permission[] } = {},
): Promise<TestOwner> {
  const email = `owner-${randomBytes(4).toString('hex')}@test.switchboard`;
  const password = randomBytes(18).toString('base64url');
  const { membership } = await services.setup.createOwner({
    email,
    name: 'Test Owner',
    password,
    workspaceName: options.workspaceName ?? 'Test workspace',
  });
  const { secret } = await services.keys.create(
    { workspaceId: membership.id, mayGrant: 'all', createdBy: 'test' },
    {
      kind: 'secret',
      name: 'test',
      scopes: options.scopes ?? (Object.keys(PERMISSIONS) as Permission[]),
    },
  );
  return {
    workspaceId: membership.id,
    email,
    password,
    key: secret,
    headers: { authorization: `Bearer ${secret}` },
  };
}
