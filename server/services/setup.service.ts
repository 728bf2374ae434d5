import { randomBytes } from 'node:crypto';
import type { Membership } from '../../shared/workspace.schema.ts';
import { ConflictError, RefusedError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { AccountUser, Accounts } from '../ports/accounts.port.ts';
import type { WorkspaceStore } from '../ports/workspace-store.port.ts';
import { sameSecret, type WorkspaceService } from './workspace.service.ts';

/** The development owner `npm run dev` signs in as (loopback only). */
export const DEVELOPMENT_OWNER = { email: 'dev@switchboard.local', name: 'Developer' } as const;

export interface NewOwner {
  email: string;
  name: string;
  password: string;
  workspaceName: string;
}

/**
 * The first start: a fresh install is claimed with a one-time setup token the server prints to
 * its log (`claim`), or from the command line (`createOwner`, `npm run admin`). Nobody can claim
 * it by being first to reach the port.
 */
export interface SetupService {
  /** Whether nobody is a member of any workspace yet (setup is open). */
  needed(): Promise<boolean>;
  /** A new setup token when setup is needed (the caller prints it), else null. */
  issueToken(): Promise<string | null>;
  claim(token: string, owner: NewOwner): Promise<Membership>;
  /** An account (or the existing one with that e-mail) as owner of a new workspace. */
  createOwner(
    owner: Omit<NewOwner, 'password'> & { password?: string },
  ): Promise<{ user: AccountUser; membership: Membership; createdAccount: boolean }>;
  /** The development owner, in a workspace of their own unless they have one. */
  ensureDevelopmentOwner(): Promise<AccountUser>;
}

export interface SetupServiceDeps {
  store: Pick<WorkspaceStore, 'hasAnyMember'>;
  workspaces: Pick<WorkspaceService, 'create' | 'memberships'>;
  accounts: Pick<Accounts, 'create' | 'findByEmail'>;
  logger?: Logger;
  random?: (size: number) => Buffer;
}

export function createSetupService(deps: SetupServiceDeps): SetupService {
  const random = deps.random ?? randomBytes;
  let token: string | null = null;

  const refused = () =>
    new RefusedError('This is not the setup token the server printed at its start', {
      details: { reason: 'setup-token' },
    });

  const createOwner: SetupService['createOwner'] = async (owner) => {
    let createdAccount = false;
    let user = await deps.accounts.findByEmail(owner.email);
    if (!user) {
      const created = await deps.accounts.create({
        email: owner.email,
        name: owner.name,
        password: owner.password ?? random(24).toString('base64url'),
      });
      if (created.status === 'email_taken') {
        user = await deps.accounts.findByEmail(owner.email);
      } else {
        user = created.user;
        createdAccount = true;
      }
    }
    if (!user) throw new Error(`the account ${owner.email} could not be created or found`);
    const membership = await deps.workspaces.create(user, owner.workspaceName);
    return { user, membership, createdAccount };
  };

  return {
    needed: async () => !(await deps.store.hasAnyMember()),

    async issueToken() {
      if (await deps.store.hasAnyMember()) return null;
      token = `sb_setup_${random(24).toString('base64url')}`;
      return token;
    },

    async claim(given, owner) {
      const expected = token;
      if (expected === null || !sameSecret(given, expected)) throw refused();
      token = null; // one use, spent before any await: two racing claims cannot both pass
      if (await deps.store.hasAnyMember()) {
        throw new ConflictError('This Switchboard is set up already: sign in', {
          details: { reason: 'setup-done' },
        });
      }
      const { membership, createdAccount } = await createOwner(owner);
      if (!createdAccount) {
        deps.logger?.warn('setup used an existing account', { email: owner.email });
      }
      deps.logger?.info('setup complete: first owner created', { workspaceId: membership.id });
      return membership;
    },

    createOwner,

    async ensureDevelopmentOwner() {
      const existing = await deps.accounts.findByEmail(DEVELOPMENT_OWNER.email);
      if (existing && (await deps.workspaces.memberships(existing.id)).length > 0) return existing;
      const { user } = await createOwner({ ...DEVELOPMENT_OWNER, workspaceName: 'Development' });
      return user;
    },
  };
}
