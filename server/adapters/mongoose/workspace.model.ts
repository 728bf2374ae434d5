import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';
import { roleSchema } from '../../../shared/auth.schema.ts';
import { onceClaimModel, type OnceClaimDocument } from './once-claim.model.ts';

export const WORKSPACES_COLLECTION = 'workspaces';
export const MEMBERS_COLLECTION = 'workspace_members';
export const INVITATIONS_COLLECTION = 'workspace_invitations';
/** One document per spent invitation: see once-claim.model.ts. */
export const INVITATION_SPENDS_COLLECTION = 'workspace_invitation_spends';

/** `workspaces` documents: `_id` is the workspace id. Queried by `_id` only. */
export const workspaceMongooseSchema = new Schema(
  { name: { type: String, required: true } },
  {
    collection: WORKSPACES_COLLECTION,
    timestamps: true,
    versionKey: false,
    // Indexes are created explicitly by the adapter's `ensureIndexes()` at start-up.
    autoIndex: false,
    autoCreate: false,
    strict: true,
  },
);

/**
 * `workspace_members` documents: one per (workspace, user), which the unique index
 * `MEMBERS_UNIQUE_INDEX` enforces (racing adds: one insert wins, the others get 11000). `userId`
 * is the auth library's id, kept as a string; `workspaceId` is a string as in every collection.
 *
 * Every query, and its index:
 * - getMember, setRole, removeMember (`workspaceId` + `userId`), addMember's uniqueness →
 *   `MEMBERS_UNIQUE_INDEX`.
 * - listMembers (`workspaceId`, sort `joinedAt`, `_id`, limit) → `MEMBERS_LIST_INDEX`.
 * - countOwners (`workspaceId` + `role`, counted) → `MEMBERS_BY_ROLE_INDEX`.
 * - listMemberships (`userId`, sort `joinedAt`, `_id`) → `MEMBERSHIPS_INDEX`, the one index that
 *   does not lead with the workspace: it is the lookup across workspaces for one person.
 * - hasAnyMember (`{}` limit 1) reads the first document: no index needed.
 * The integration test checks every query the adapter sends against this list.
 */
export const memberMongooseSchema = new Schema(
  {
    workspaceId: { type: String, required: true },
    userId: { type: String, required: true },
    email: { type: String, default: '' },
    name: { type: String, default: '' },
    role: { type: String, enum: roleSchema.options, required: true },
    joinedAt: { type: Date, required: true },
  },
  {
    collection: MEMBERS_COLLECTION,
    versionKey: false,
    autoIndex: false,
    autoCreate: false,
    strict: true,
  },
);

export const MEMBERS_UNIQUE_INDEX = 'one_membership_per_workspace_user';
export const MEMBERS_LIST_INDEX = 'workspace_members_oldest_first';
export const MEMBERS_BY_ROLE_INDEX = 'workspace_members_by_role';
export const MEMBERSHIPS_INDEX = 'user_memberships_oldest_first';
memberMongooseSchema.index(
  { workspaceId: 1, userId: 1 },
  { name: MEMBERS_UNIQUE_INDEX, unique: true },
);
memberMongooseSchema.index({ workspaceId: 1, joinedAt: 1, _id: 1 }, { name: MEMBERS_LIST_INDEX });
memberMongooseSchema.index({ workspaceId: 1, role: 1 }, { name: MEMBERS_BY_ROLE_INDEX });
memberMongooseSchema.index({ userId: 1, joinedAt: 1, _id: 1 }, { name: MEMBERSHIPS_INDEX });

/**
 * `workspace_invitations` documents. The token itself is never stored, only its SHA-256.
 * `acceptedAt`/`revokedAt` are copied from the spend's claim (see once-claim.model.ts).
 *
 * Every query, and its index:
 * - findInvitationByTokenHash (`tokenHash`), and "one invitation per token" →
 *   `INVITATION_TOKEN_INDEX` (unique).
 * - listPendingInvitations (`workspaceId`, `acceptedAt: null`, `revokedAt: null`, sort
 *   `createdAt` desc, `_id` desc, limit) → `INVITATIONS_PENDING_INDEX`. Both spent markers are in
 *   the index so a page seeks straight to the pending ones instead of walking past every
 *   invitation ever accepted.
 * - spendInvitation reads and writes by exactly `{ _id }` (the workspace is checked in code): the
 *   `_id` index, and the only filter FerretDB 1.x pushes down instead of scanning.
 */
export const invitationMongooseSchema = new Schema(
  {
    workspaceId: { type: String, required: true },
    email: { type: String, required: true },
    role: { type: String, enum: roleSchema.options, required: true },
    tokenHash: { type: String, required: true },
    invitedBy: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    acceptedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  {
    collection: INVITATIONS_COLLECTION,
    timestamps: { createdAt: true, updatedAt: false },
    versionKey: false,
    autoIndex: false,
    autoCreate: false,
    strict: true,
  },
);

export const INVITATION_TOKEN_INDEX = 'one_invitation_per_token';
export const INVITATIONS_PENDING_INDEX = 'workspace_pending_invitations_newest_first';
invitationMongooseSchema.index({ tokenHash: 1 }, { name: INVITATION_TOKEN_INDEX, unique: true });
invitationMongooseSchema.index(
  { workspaceId: 1, acceptedAt: 1, revokedAt: 1, createdAt: -1, _id: -1 },
  { name: INVITATIONS_PENDING_INDEX },
);

export type WorkspaceDocument = InferSchemaType<typeof workspaceMongooseSchema> & {
  _id: Types.ObjectId;
  createdAt: Date;
};
export type MemberDocument = InferSchemaType<typeof memberMongooseSchema> & {
  _id: Types.ObjectId;
};
export type InvitationDocument = InferSchemaType<typeof invitationMongooseSchema> & {
  _id: Types.ObjectId;
  createdAt: Date;
};

export function workspaceModel(connection: Connection): Model<WorkspaceDocument> {
  return (
    (connection.models.Workspace as Model<WorkspaceDocument> | undefined) ??
    connection.model<WorkspaceDocument>('Workspace', workspaceMongooseSchema)
  );
}

export function memberModel(connection: Connection): Model<MemberDocument> {
  return (
    (connection.models.WorkspaceMember as Model<MemberDocument> | undefined) ??
    connection.model<MemberDocument>('WorkspaceMember', memberMongooseSchema)
  );
}

export function invitationModel(connection: Connection): Model<InvitationDocument> {
  return (
    (connection.models.WorkspaceInvitation as Model<InvitationDocument> | undefined) ??
    connection.model<InvitationDocument>('WorkspaceInvitation', invitationMongooseSchema)
  );
}

export function invitationSpendModel(connection: Connection): Model<OnceClaimDocument> {
  return onceClaimModel(connection, 'WorkspaceInvitationSpend', INVITATION_SPENDS_COLLECTION);
}
