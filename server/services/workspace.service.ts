import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from '../../shared/auth.schema.ts';
import type { Invitation, Member, Membership, Workspace } from '../../shared/workspace.schema.ts';
import { ConflictError, NotFoundError, RefusedError, UnauthorizedError } from '../errors.ts';
import { FIRST_WORKSPACE_ID } from '../identity.ts';
import type { Logger } from '../logger.ts';
import type { AccountUser, Accounts } from '../ports/accounts.port.ts';
import type { Actor } from '../ports/audit-store.port.ts';
import type { AuditLog } from './audit.service.ts';
import type {
  InvitationRecord,
  MemberRecord,
  WorkspaceRecord,
  WorkspaceStore,
} from '../ports/workspace-store.port.ts';

export const MEMBERS_LIST_LIMIT = 500;
export const INVITATIONS_LIST_LIMIT = 200;
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
const INVITATION_TOKEN_PREFIX = 'sb_inv_';

export interface InvitationPreview {
  workspaceName: string;
  email: string;
  role: Role;
  expiresAt: string;
  /** Whether the invited e-mail has an account already (then: sign in, then accept). */
  hasAccount: boolean;
}

export interface WorkspaceService {
  /** The person's workspaces with their role in each, oldest membership first. */
  memberships(userId: string): Promise<Membership[]>;
  /** The role of `userId` in `workspaceId`, or null when they are not a member. */
  roleIn(workspaceId: string, userId: string): Promise<Role | null>;
  /** A new workspace with `owner` as its owner (the very first one takes FIRST_WORKSPACE_ID). */
  create(owner: AccountUser, name: string): Promise<Membership>;
  /** A workspace by id (NOT_FOUND when there is none). */
  get(workspaceId: string): Promise<Workspace>;
  /** The methods that change something take `by`, who the audit log records. */
  rename(workspaceId: string, name: string, by?: Actor): Promise<Workspace>;

  listMembers(workspaceId: string): Promise<Member[]>;
  setRole(workspaceId: string, userId: string, role: Role, by?: Actor): Promise<Member>;
  removeMember(workspaceId: string, userId: string, by?: Actor): Promise<void>;

  /** An invitation and its one-time link token (returned once; only its hash is kept). */
  invite(
    workspaceId: string,
    invitation: { email: string; role: Role; invitedBy: string },
    by?: Actor,
  ): Promise<{ invitation: Invitation; token: string }>;
  listInvitations(workspaceId: string): Promise<Invitation[]>;
  revokeInvitation(workspaceId: string, id: string, by?: Actor): Promise<void>;
  previewInvitation(token: string): Promise<InvitationPreview>;
  /**
   * Accepts as the signed-in person (their e-mail must be the invited one), or — nobody signed in
   * and no account for the e-mail yet — creates that account with `newAccount` first.
   */
  acceptInvitation(
    token: string,
    as: { user: AccountUser } | { newAccount: { name: string; password: string } },
  ): Promise<Membership>;
}

export interface WorkspaceServiceDeps {
  store: WorkspaceStore;
  accounts: Pick<Accounts, 'create' | 'findByEmail'>;
  /** Where changes are recorded (after they succeed); never an invitation's token. */
  audit?: AuditLog;
  logger?: Logger;
  now?: () => Date;
  random?: (size: number) => Buffer;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Constant-time string comparison (setup tokens). */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function createWorkspaceService(deps: WorkspaceServiceDeps): WorkspaceService {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());
  const random = deps.random ?? randomBytes;

  const workspaceNotFound = (id: string) =>
    new NotFoundError('No such workspace', {
      details: { reason: 'not-found', resource: 'workspace', id },
    });
  const memberNotFound = (userId: string) =>
    new NotFoundError('No such member in this workspace', {
      details: { reason: 'not-found', resource: 'member', id: userId },
    });
  const invitationNotFound = (id: string) =>
    new NotFoundError('This invitation link is not valid: it was used, revoked or has expired', {
      details: { reason: 'not-found', resource: 'invitation', id },
    });

  /** A live invitation by its token, or NOT_FOUND (expired and spent ones alike). */
  const liveInvitation = async (token: string) => {
    const invitation = await store.findInvitationByTokenHash(hashToken(token));
    if (
      !invitation ||
      invitation.acceptedAt ||
      invitation.revokedAt ||
      invitation.expiresAt.getTime() <= now().getTime()
    ) {
      throw invitationNotFound('link');
    }
    return invitation;
  };

  /** A workspace keeps at least one owner: demoting or removing the last one is refused. */
  const keepAnOwner = async (workspaceId: string, member: MemberRecord) => {
    if (member.role !== 'owner') return;
    if ((await store.countOwners(workspaceId)) <= 1) {
      throw new ConflictError('A workspace needs an owner: make someone else owner first', {
        details: { reason: 'last-owner', userId: member.userId },
      });
    }
  };

  const join = async (
    invitation: InvitationRecord,
    user: AccountUser,
    joiner: Actor,
  ): Promise<Membership> => {
    const workspace = await store.getWorkspace(invitation.workspaceId);
    if (!workspace) throw invitationNotFound(invitation.id);
    // Spent before the membership is added: of an accept and a revoke (or two accepts) racing,
    // only the one whose claim holds goes on.
    if (!(await store.spendInvitation(invitation.workspaceId, invitation.id, 'accepted', now()))) {
      throw invitationNotFound(invitation.id);
    }
    const outcome = await store.addMember({
      workspaceId: invitation.workspaceId,
      userId: user.id,
      email: user.email,
      name: user.name,
      role: invitation.role,
    });
    deps.logger?.info('invitation accepted', {
      workspaceId: invitation.workspaceId,
      userId: user.id,
      role: outcome.member.role,
    });
    await deps.audit?.record(invitation.workspaceId, joiner, {
      action: 'member.join',
      target: { type: 'member', id: user.id, name: user.email },
      details: { role: outcome.member.role, invitationId: invitation.id },
    });
    return toMembership(workspace, outcome.member);
  };

  return {
    async memberships(userId) {
      return (await store.listMemberships(userId)).map(({ workspace, member }) =>
        toMembership(workspace, member),
      );
    },

    async roleIn(workspaceId, userId) {
      return (await store.getMember(workspaceId, userId))?.role ?? null;
    },

    async create(owner, name) {
      const workspace =
        (await store.createWorkspace({ name, id: FIRST_WORKSPACE_ID })) ??
        (await store.createWorkspace({ name }));
      if (!workspace) throw new Error('a generated workspace id was taken');
      const { member } = await store.addMember({
        workspaceId: workspace.id,
        userId: owner.id,
        email: owner.email,
        name: owner.name,
        role: 'owner',
      });
      deps.logger?.info('workspace created', { workspaceId: workspace.id, ownerId: owner.id });
      return toMembership(workspace, member);
    },

    async get(workspaceId) {
      const workspace = await store.getWorkspace(workspaceId);
      if (!workspace) throw workspaceNotFound(workspaceId);
      return toWorkspace(workspace);
    },

    async rename(workspaceId, name, by) {
      const before = deps.audit ? await store.getWorkspace(workspaceId) : null;
      const workspace = await store.renameWorkspace(workspaceId, name);
      if (!workspace) throw workspaceNotFound(workspaceId);
      await deps.audit?.record(workspaceId, by, {
        action: 'workspace.rename',
        target: { type: 'workspace', id: workspaceId, name: workspace.name },
        details: { name: { from: before?.name ?? null, to: workspace.name } },
      });
      return toWorkspace(workspace);
    },

    async listMembers(workspaceId) {
      return (await store.listMembers(workspaceId, MEMBERS_LIST_LIMIT)).map(toMember);
    },

    async setRole(workspaceId, userId, role, by) {
      const member = await store.getMember(workspaceId, userId);
      if (!member) throw memberNotFound(userId);
      if (member.role === role) return toMember(member);
      if (role !== 'owner') await keepAnOwner(workspaceId, member);
      const updated = await store.setRole(workspaceId, userId, role);
      if (!updated) throw memberNotFound(userId);
      await deps.audit?.record(workspaceId, by, {
        action: 'member.role',
        target: { type: 'member', id: userId, name: updated.email },
        details: { role: { from: member.role, to: updated.role } },
      });
      return toMember(updated);
    },

    async removeMember(workspaceId, userId, by) {
      const member = await store.getMember(workspaceId, userId);
      if (!member) throw memberNotFound(userId);
      await keepAnOwner(workspaceId, member);
      if (!(await store.removeMember(workspaceId, userId))) throw memberNotFound(userId);
      await deps.audit?.record(workspaceId, by, {
        action: 'member.remove',
        target: { type: 'member', id: userId, name: member.email },
        details: { role: member.role },
      });
    },

    async invite(workspaceId, { email, role, invitedBy }, by) {
      const token = `${INVITATION_TOKEN_PREFIX}${random(32).toString('base64url')}`;
      const at = now();
      const record = await store.createInvitation({
        workspaceId,
        email,
        role,
        tokenHash: hashToken(token),
        invitedBy,
        expiresAt: new Date(at.getTime() + INVITATION_TTL_MS),
      });
      // The token is the link's credential: never recorded.
      await deps.audit?.record(workspaceId, by, {
        action: 'member.invite',
        target: { type: 'member', id: record.id, name: email },
        details: { role, invitationId: record.id },
      });
      return { invitation: toInvitation(record), token };
    },

    async listInvitations(workspaceId) {
      return (await store.listPendingInvitations(workspaceId, INVITATIONS_LIST_LIMIT)).map(
        toInvitation,
      );
    },

    async revokeInvitation(workspaceId, id, by) {
      if (!(await store.spendInvitation(workspaceId, id, 'revoked', now()))) {
        throw invitationNotFound(id);
      }
      await deps.audit?.record(workspaceId, by, {
        action: 'member.invitation-revoke',
        target: { type: 'member', id },
        details: { invitationId: id },
      });
    },

    async previewInvitation(token) {
      const invitation = await liveInvitation(token);
      const workspace = await store.getWorkspace(invitation.workspaceId);
      if (!workspace) throw invitationNotFound(invitation.id);
      return {
        workspaceName: workspace.name,
        email: invitation.email,
        role: invitation.role,
        expiresAt: invitation.expiresAt.toISOString(),
        hasAccount: (await deps.accounts.findByEmail(invitation.email)) !== null,
      };
    },

    async acceptInvitation(token, as) {
      const invitation = await liveInvitation(token);
      if ('user' in as) {
        if (as.user.email !== invitation.email) {
          throw new RefusedError(
            `This invitation is for ${invitation.email}: sign out, then open the link again`,
            { details: { reason: 'wrong-account', email: invitation.email } },
          );
        }
        return join(invitation, as.user, personActor(as.user));
      }
      const created = await deps.accounts.create({
        email: invitation.email,
        name: as.newAccount.name,
        password: as.newAccount.password,
      });
      if (created.status === 'email_taken') {
        throw new UnauthorizedError(
          `${invitation.email} has an account already: sign in as ${invitation.email}, then open the link again`,
          { details: { reason: 'account-exists', email: invitation.email } },
        );
      }
      return join(invitation, created.user, personActor(created.user));
    },
  };
}

function toWorkspace(record: WorkspaceRecord): Workspace {
  return { id: record.id, name: record.name, createdAt: record.createdAt.toISOString() };
}

function toMembership(workspace: WorkspaceRecord, member: MemberRecord): Membership {
  return { ...toWorkspace(workspace), role: member.role };
}

function toMember(record: MemberRecord): Member {
  return {
    userId: record.userId,
    email: record.email,
    name: record.name,
    role: record.role,
    joinedAt: record.joinedAt.toISOString(),
  };
}

function toInvitation(record: InvitationRecord): Invitation {
  return {
    id: record.id,
    email: record.email,
    role: record.role,
    invitedBy: record.invitedBy,
    createdAt: record.createdAt.toISOString(),
    expiresAt: record.expiresAt.toISOString(),
  };
}

/** A person acting through an invitation link (signed in, or just given an account). */
function personActor(user: AccountUser & { sessionId?: string }): Actor {
  return {
    kind: 'user',
    id: user.id,
    name: user.name,
    ...(user.sessionId !== undefined && { sessionId: user.sessionId }),
  };
}
