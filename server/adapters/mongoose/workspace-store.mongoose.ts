import mongoose, { type Connection } from 'mongoose';
import { ConflictError } from '../../errors.ts';
import type {
  InvitationRecord,
  MemberRecord,
  WorkspaceRecord,
  WorkspaceStore,
} from '../../ports/workspace-store.port.ts';
import { ignoreAlreadyExists, pingDatabase, translate } from './agent-store.mongoose.ts';
import { isDuplicateKey } from './did-route-store.mongoose.ts';
import { claimOnce, findClaim } from './once-claim.model.ts';
import {
  invitationModel,
  invitationSpendModel,
  memberModel,
  workspaceModel,
  type InvitationDocument,
  type MemberDocument,
  type WorkspaceDocument,
} from './workspace.model.ts';

/** The explicit mappers from lean documents: nothing Mongoose-shaped leaves this file. */
export function toWorkspaceRecord(doc: WorkspaceDocument): WorkspaceRecord {
  return { id: doc._id.toHexString(), name: doc.name, createdAt: doc.createdAt };
}

export function toMemberRecord(doc: MemberDocument): MemberRecord {
  return {
    workspaceId: doc.workspaceId,
    userId: doc.userId,
    email: doc.email ?? '',
    name: doc.name ?? '',
    role: doc.role,
    joinedAt: doc.joinedAt,
  };
}

export function toInvitationRecord(doc: InvitationDocument): InvitationRecord {
  return {
    id: doc._id.toHexString(),
    workspaceId: doc.workspaceId,
    email: doc.email,
    role: doc.role,
    tokenHash: doc.tokenHash,
    invitedBy: doc.invitedBy,
    createdAt: doc.createdAt,
    expiresAt: doc.expiresAt,
    acceptedAt: doc.acceptedAt ?? null,
    revokedAt: doc.revokedAt ?? null,
  };
}

export interface MongooseWorkspaceStore extends WorkspaceStore {
  /** Creates the collections and the indexes the queries rely on (idempotent). */
  ensureIndexes(): Promise<void>;
}

const OBJECT_ID = /^[0-9a-f]{24}$/;
const SPENT_FIELD = { accepted: 'acceptedAt', revoked: 'revokedAt' } as const;

/**
 * Workspaces, members and invitations in MongoDB (or FerretDB v1). No transactions: every rule is
 * a single-document insert that a unique key settles — membership by `(workspaceId, userId)`, a
 * given workspace id by `_id`, a spent invitation by its claim (once-claim.model.ts).
 */
export function createMongooseWorkspaceStore(connection: Connection): MongooseWorkspaceStore {
  const Workspaces = workspaceModel(connection);
  const Members = memberModel(connection);
  const Invitations = invitationModel(connection);
  const Spends = invitationSpendModel(connection);
  const objectId = (id: string) => new mongoose.Types.ObjectId(id);
  const byMember = (workspaceId: string, userId: string) => ({ workspaceId, userId });

  const findMember = async (workspaceId: string, userId: string) => {
    const doc = await Members.findOne(byMember(workspaceId, userId)).lean<MemberDocument>().exec();
    return doc ? toMemberRecord(doc) : null;
  };
  /** Filters on exactly `{ _id }`: the one filter FerretDB 1.x pushes down to SQLite. */
  const findInvitation = (id: string) =>
    Invitations.findOne({ _id: objectId(id) })
      .lean<InvitationDocument>()
      .exec();
  const markSpent = (id: string, how: string, at: Date) => {
    const field = SPENT_FIELD[how as keyof typeof SPENT_FIELD];
    if (!field) throw new Error(`unknown invitation spend "${how}"`);
    return Invitations.findOneAndUpdate(
      { _id: objectId(id) },
      { $set: { [field]: at } },
      { returnDocument: 'after' },
    )
      .lean<InvitationDocument>()
      .exec();
  };

  return {
    ensureIndexes: () =>
      translate(async () => {
        for (const model of [Workspaces, Members, Invitations, Spends]) {
          await model.createCollection().catch(ignoreAlreadyExists);
        }
        await Members.createIndexes();
        await Invitations.createIndexes();
      }),

    createWorkspace: ({ name, id }) =>
      translate(async () => {
        try {
          const doc = await Workspaces.create({ name, ...(id === undefined ? {} : { _id: id }) });
          return toWorkspaceRecord(doc.toObject<WorkspaceDocument>());
        } catch (error) {
          if (isDuplicateKey(error)) return null;
          throw error;
        }
      }),

    getWorkspace: (id) =>
      translate(async () => {
        if (!OBJECT_ID.test(id)) return null;
        const doc = await Workspaces.findOne({ _id: objectId(id) })
          .lean<WorkspaceDocument>()
          .exec();
        return doc ? toWorkspaceRecord(doc) : null;
      }),

    renameWorkspace: (id, name) =>
      translate(async () => {
        if (!OBJECT_ID.test(id)) return null;
        const doc = await Workspaces.findOneAndUpdate(
          { _id: objectId(id) },
          { $set: { name } },
          { returnDocument: 'after' },
        )
          .lean<WorkspaceDocument>()
          .exec();
        return doc ? toWorkspaceRecord(doc) : null;
      }),

    hasAnyMember: () => translate(async () => (await Members.exists({}).exec()) !== null),

    addMember: (member) =>
      translate(async () => {
        // A membership removed between a lost insert and the read: the insert is tried again.
        for (let attempt = 0; attempt < 3; attempt++) {
          try {
            const doc = await Members.create({ ...member, joinedAt: new Date() });
            return { status: 'added', member: toMemberRecord(doc.toObject<MemberDocument>()) };
          } catch (error) {
            if (!isDuplicateKey(error)) throw error;
          }
          const existing = await findMember(member.workspaceId, member.userId);
          if (existing) return { status: 'already_member', member: existing };
        }
        throw new ConflictError('The membership is being added and removed at once; try again');
      }),

    getMember: (workspaceId, userId) => translate(() => findMember(workspaceId, userId)),

    listMembers: (workspaceId, limit) =>
      translate(async () => {
        const docs = await Members.find({ workspaceId })
          .sort({ joinedAt: 1, _id: 1 })
          .limit(limit)
          .lean<MemberDocument[]>()
          .exec();
        return docs.map(toMemberRecord);
      }),

    listMemberships: (userId) =>
      translate(async () => {
        const members = await Members.find({ userId })
          .sort({ joinedAt: 1, _id: 1 })
          .lean<MemberDocument[]>()
          .exec();
        const ids = [...new Set(members.map((member) => member.workspaceId))].filter((id) =>
          OBJECT_ID.test(id),
        );
        if (ids.length === 0) return [];
        // One query for all the workspaces, not one per membership.
        const workspaces = await Workspaces.find({ _id: { $in: ids.map(objectId) } })
          .lean<WorkspaceDocument[]>()
          .exec();
        const byId = new Map(workspaces.map((doc) => [doc._id.toHexString(), doc]));
        return members.flatMap((member) => {
          const workspace = byId.get(member.workspaceId);
          return workspace
            ? [{ workspace: toWorkspaceRecord(workspace), member: toMemberRecord(member) }]
            : [];
        });
      }),

    setRole: (workspaceId, userId, role) =>
      translate(async () => {
        const doc = await Members.findOneAndUpdate(
          byMember(workspaceId, userId),
          { $set: { role } },
          { returnDocument: 'after' },
        )
          .lean<MemberDocument>()
          .exec();
        return doc ? toMemberRecord(doc) : null;
      }),

    removeMember: (workspaceId, userId) =>
      translate(async () => {
        const { deletedCount } = await Members.deleteOne(byMember(workspaceId, userId)).exec();
        return deletedCount > 0;
      }),

    countOwners: (workspaceId) =>
      translate(() => Members.countDocuments({ workspaceId, role: 'owner' }).exec()),

    createInvitation: (invitation) =>
      translate(async () => {
        try {
          const doc = await Invitations.create({
            ...invitation,
            acceptedAt: null,
            revokedAt: null,
          });
          return toInvitationRecord(doc.toObject<InvitationDocument>());
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          throw new ConflictError('An invitation with this token already exists', {
            cause: error,
          });
        }
      }),

    findInvitationByTokenHash: (tokenHash) =>
      translate(async () => {
        const doc = await Invitations.findOne({ tokenHash }).lean<InvitationDocument>().exec();
        return doc ? toInvitationRecord(doc) : null;
      }),

    listPendingInvitations: (workspaceId, limit) =>
      translate(async () => {
        const docs = await Invitations.find({ workspaceId, acceptedAt: null, revokedAt: null })
          .sort({ createdAt: -1, _id: -1 })
          .limit(limit)
          .lean<InvitationDocument[]>()
          .exec();
        return docs.map(toInvitationRecord);
      }),

    spendInvitation: (workspaceId, id, how, at) =>
      translate(async () => {
        if (!OBJECT_ID.test(id)) return null;
        const current = await findInvitation(id);
        if (!current || current.workspaceId !== workspaceId) return null;
        if (current.acceptedAt != null || current.revokedAt != null) return null;
        if (!(await claimOnce(Spends, { _id: id, how, at }))) {
          // Spent by another writer, which may have died before marking it: mark it for them.
          const claim = await findClaim(Spends, id);
          if (claim) await markSpent(id, claim.how, claim.at);
          return null;
        }
        const doc = await markSpent(id, how, at);
        return doc ? toInvitationRecord(doc) : null;
      }),

    ping: () => translate(() => pingDatabase(connection)),
  };
}
