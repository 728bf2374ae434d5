import { ConflictError } from '../../errors.ts';
import type {
  InvitationRecord,
  MemberRecord,
  WorkspaceRecord,
  WorkspaceStore,
} from '../../ports/workspace-store.port.ts';
import { createObjectIdGenerator } from './agent-store.memory.ts';

/**
 * Workspaces, members and invitations in memory: the embedded default and the fast-test store.
 * Same observable behaviour as the Mongoose adapter (the contract suite runs on both). No method
 * awaits between its check and its write, so "one membership per (workspace, user)" holds as the
 * unique index makes it hold in MongoDB.
 */
export function createMemoryWorkspaceStore(options: { now?: () => Date } = {}): WorkspaceStore {
  const now = options.now ?? (() => new Date());
  const newId = createObjectIdGenerator();
  const workspaces = new Map<string, WorkspaceRecord>();
  const members = new Map<string, MemberRecord>();
  const invitations = new Map<string, InvitationRecord>();
  const memberKey = (workspaceId: string, userId: string) => `${workspaceId}/${userId}`;
  const oldestFirst = (a: MemberRecord, b: MemberRecord) =>
    a.joinedAt.getTime() - b.joinedAt.getTime();

  return {
    async createWorkspace({ name, id }) {
      const workspaceId = id ?? newId(now());
      if (workspaces.has(workspaceId)) return null;
      const workspace = { id: workspaceId, name, createdAt: now() };
      workspaces.set(workspaceId, workspace);
      return { ...workspace };
    },
    async getWorkspace(id) {
      const workspace = workspaces.get(id);
      return workspace ? { ...workspace } : null;
    },
    async renameWorkspace(id, name) {
      const workspace = workspaces.get(id);
      if (!workspace) return null;
      workspace.name = name;
      return { ...workspace };
    },
    async hasAnyMember() {
      return members.size > 0;
    },

    async addMember(member) {
      const key = memberKey(member.workspaceId, member.userId);
      const existing = members.get(key);
      if (existing) return { status: 'already_member', member: { ...existing } };
      const added = { ...member, joinedAt: now() };
      members.set(key, added);
      return { status: 'added', member: { ...added } };
    },
    async getMember(workspaceId, userId) {
      const member = members.get(memberKey(workspaceId, userId));
      return member ? { ...member } : null;
    },
    async listMembers(workspaceId, limit) {
      return [...members.values()]
        .filter((member) => member.workspaceId === workspaceId)
        .sort(oldestFirst)
        .slice(0, limit)
        .map((member) => ({ ...member }));
    },
    async listMemberships(userId) {
      return [...members.values()]
        .filter((member) => member.userId === userId)
        .sort(oldestFirst)
        .flatMap((member) => {
          const workspace = workspaces.get(member.workspaceId);
          return workspace ? [{ workspace: { ...workspace }, member: { ...member } }] : [];
        });
    },
    async setRole(workspaceId, userId, role) {
      const member = members.get(memberKey(workspaceId, userId));
      if (!member) return null;
      member.role = role;
      return { ...member };
    },
    async removeMember(workspaceId, userId) {
      return members.delete(memberKey(workspaceId, userId));
    },
    async countOwners(workspaceId) {
      return [...members.values()].filter(
        (member) => member.workspaceId === workspaceId && member.role === 'owner',
      ).length;
    },

    async createInvitation(invitation) {
      // As the unique index on `tokenHash` answers in MongoDB (translate: 11000 → CONFLICT).
      if ([...invitations.values()].some((other) => other.tokenHash === invitation.tokenHash)) {
        throw new ConflictError('An invitation with this token already exists');
      }
      const record: InvitationRecord = {
        ...invitation,
        id: newId(now()),
        createdAt: now(),
        acceptedAt: null,
        revokedAt: null,
      };
      invitations.set(record.id, record);
      return { ...record };
    },
    async findInvitationByTokenHash(tokenHash) {
      const found = [...invitations.values()].find(
        (invitation) => invitation.tokenHash === tokenHash,
      );
      return found ? { ...found } : null;
    },
    async listPendingInvitations(workspaceId, limit) {
      return (
        [...invitations.values()]
          .filter(
            (invitation) =>
              invitation.workspaceId === workspaceId &&
              invitation.acceptedAt === null &&
              invitation.revokedAt === null,
          )
          // Ids grow with creation, so they order invitations made within one millisecond.
          .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
          .slice(0, limit)
          .map((invitation) => ({ ...invitation }))
      );
    },
    async spendInvitation(workspaceId, id, how, at) {
      const invitation = invitations.get(id);
      if (
        !invitation ||
        invitation.workspaceId !== workspaceId ||
        invitation.acceptedAt !== null ||
        invitation.revokedAt !== null
      ) {
        return null;
      }
      if (how === 'accepted') invitation.acceptedAt = at;
      else invitation.revokedAt = at;
      return { ...invitation };
    },

    async ping() {},
  };
}
