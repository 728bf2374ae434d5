import type { Role } from '../../shared/auth.schema.ts';

/** A workspace as stores keep it. */
export interface WorkspaceRecord {
  id: string;
  name: string;
  createdAt: Date;
}

/** A person's membership of a workspace. One per (workspace, user): the store enforces it. */
export interface MemberRecord {
  workspaceId: string;
  userId: string;
  /** Copied from the account when the member joins, for member lists without a user lookup. */
  email: string;
  name: string;
  role: Role;
  joinedAt: Date;
}

export interface InvitationRecord {
  id: string;
  workspaceId: string;
  /** Lower-case: only the account with this e-mail may accept. */
  email: string;
  role: Role;
  /** SHA-256 (hex) of the link's one-time token; the token itself is never stored. */
  tokenHash: string;
  invitedBy: string;
  createdAt: Date;
  expiresAt: Date;
  /** Set once, when it is accepted or revoked; an invitation with either set is spent. */
  acceptedAt: Date | null;
  revokedAt: Date | null;
}

export type NewInvitationRecord = Omit<
  InvitationRecord,
  'id' | 'createdAt' | 'acceptedAt' | 'revokedAt'
>;

export type AddMemberOutcome =
  { status: 'added'; member: MemberRecord } | { status: 'already_member'; member: MemberRecord };

/**
 * Workspaces, their members and pending invitations. Every query is by workspace id (indexes
 * lead with it) or by user id (members: `{ workspaceId, userId }` unique, and `{ userId, joinedAt }` for a person's workspaces). No transactions:
 * every write is a single-document write whose conflicts a unique index settles.
 */
export interface WorkspaceStore {
  /**
   * Inserts a workspace. `id` is used when given (the first workspace takes FIRST_WORKSPACE_ID so
   * records stored before workspaces are already in it); null when a workspace has that id.
   */
  createWorkspace(workspace: { name: string; id?: string }): Promise<WorkspaceRecord | null>;
  getWorkspace(id: string): Promise<WorkspaceRecord | null>;
  renameWorkspace(id: string, name: string): Promise<WorkspaceRecord | null>;
  /** Whether any workspace has a member: false only on a fresh install (setup is open). */
  hasAnyMember(): Promise<boolean>;

  /** Adds a member unless the user already is one (then the existing membership, unchanged). */
  addMember(member: Omit<MemberRecord, 'joinedAt'>): Promise<AddMemberOutcome>;
  getMember(workspaceId: string, userId: string): Promise<MemberRecord | null>;
  /** The workspace's members, oldest first (at most `limit`). */
  listMembers(workspaceId: string, limit: number): Promise<MemberRecord[]>;
  /** The user's memberships, oldest first, with each workspace. */
  listMemberships(
    userId: string,
  ): Promise<Array<{ workspace: WorkspaceRecord; member: MemberRecord }>>;
  setRole(workspaceId: string, userId: string, role: Role): Promise<MemberRecord | null>;
  /** Removes a membership; false when there was none. */
  removeMember(workspaceId: string, userId: string): Promise<boolean>;
  /** How many owners the workspace has (a workspace never loses its last owner). */
  countOwners(workspaceId: string): Promise<number>;

  createInvitation(invitation: NewInvitationRecord): Promise<InvitationRecord>;
  findInvitationByTokenHash(tokenHash: string): Promise<InvitationRecord | null>;
  /** The workspace's invitations neither accepted nor revoked (expired ones included), newest first. */
  listPendingInvitations(workspaceId: string, limit: number): Promise<InvitationRecord[]>;
  /**
   * Marks a pending invitation of the workspace spent (`acceptedAt` or `revokedAt` = at); null
   * when it is missing, another workspace's, or already spent.
   */
  spendInvitation(
    workspaceId: string,
    id: string,
    how: 'accepted' | 'revoked',
    at: Date,
  ): Promise<InvitationRecord | null>;

  /** Resolves when the backing database answers; throws ServiceUnavailableError otherwise. */
  ping(): Promise<void>;
}
