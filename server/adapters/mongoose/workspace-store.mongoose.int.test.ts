import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  connectTestDatabase,
  dropTestDatabase,
  testDatabaseUri,
} from '../../../scripts/testing/services.ts';
import { ServiceUnavailableError } from '../../errors.ts';
import { describeWorkspaceStoreContract } from '../../ports/workspace-store.contract.ts';
import type { NewInvitationRecord } from '../../ports/workspace-store.port.ts';
import {
  declaredIndexes,
  expectEveryQueryIndexed,
  recordQueries,
} from '../../testing/index-shape.ts';
import {
  INVITATION_SPENDS_COLLECTION,
  INVITATION_TOKEN_INDEX,
  INVITATIONS_COLLECTION,
  INVITATIONS_PENDING_INDEX,
  invitationMongooseSchema,
  MEMBERS_BY_ROLE_INDEX,
  MEMBERS_COLLECTION,
  MEMBERS_LIST_INDEX,
  MEMBERS_UNIQUE_INDEX,
  memberMongooseSchema,
  MEMBERSHIPS_INDEX,
  WORKSPACES_COLLECTION,
  workspaceMongooseSchema,
} from './workspace.model.ts';
import { createMongooseWorkspaceStore } from './workspace-store.mongoose.ts';

const COLLECTIONS = [
  WORKSPACES_COLLECTION,
  MEMBERS_COLLECTION,
  INVITATIONS_COLLECTION,
  INVITATION_SPENDS_COLLECTION,
];

let connection: Connection;
let databaseUri: string;

beforeAll(async () => {
  databaseUri = testDatabaseUri('workspace_store');
  connection = await connectTestDatabase(databaseUri);
  await createMongooseWorkspaceStore(connection).ensureIndexes();
});

afterAll(async () => {
  if (connection) await dropTestDatabase(connection);
});

const emptied = async (conn: Connection) => {
  for (const name of COLLECTIONS) await conn.collection(name).deleteMany({});
  return createMongooseWorkspaceStore(conn);
};

describeWorkspaceStoreContract('mongoose', () => emptied(connection));

const buildInvitation = (workspaceId: string, tokenHash: string): NewInvitationRecord => ({
  workspaceId,
  email: 'dana@example.com',
  role: 'member',
  tokenHash,
  invitedBy: 'user-alice',
  expiresAt: new Date('2030-01-01T00:00:00.000Z'),
});

describe('Mongoose workspace adapter: what is stored', () => {
  test('workspaces, members and invitations are plain documents: ObjectId ids, Dates, no __v', async () => {
    const store = await emptied(connection);
    const workspace = await store.createWorkspace({ name: 'Acme', id: '000000000000000000000001' });
    await store.addMember({
      workspaceId: workspace!.id,
      userId: 'user-alice',
      email: 'alice@example.com',
      name: 'Alice',
      role: 'owner',
    });
    const invitation = await store.createInvitation(buildInvitation(workspace!.id, 'a'.repeat(64)));

    const rawWorkspace = await connection.collection(WORKSPACES_COLLECTION).findOne({});
    expect(rawWorkspace?._id).toEqual(new mongoose.Types.ObjectId('000000000000000000000001'));
    expect(rawWorkspace).toMatchObject({ name: 'Acme', createdAt: expect.any(Date) as unknown });
    const rawMember = await connection.collection(MEMBERS_COLLECTION).findOne({});
    expect(rawMember).toMatchObject({
      workspaceId: '000000000000000000000001',
      userId: 'user-alice',
      role: 'owner',
      joinedAt: expect.any(Date) as unknown,
    });
    const rawInvitation = await connection
      .collection(INVITATIONS_COLLECTION)
      .findOne({ _id: new mongoose.Types.ObjectId(invitation.id) });
    expect(rawInvitation).toMatchObject({
      tokenHash: 'a'.repeat(64),
      acceptedAt: null,
      revokedAt: null,
      expiresAt: new Date('2030-01-01T00:00:00.000Z'),
      createdAt: expect.any(Date) as unknown,
    });
    for (const raw of [rawWorkspace, rawMember, rawInvitation]) {
      expect(raw).not.toHaveProperty('__v');
    }
  });

  test('the indexes exist as declared; workspace-scoped ones lead with workspaceId', async () => {
    const members = new Map(
      (await connection.collection(MEMBERS_COLLECTION).indexes()).map((i) => [i.name, i]),
    );
    expect(members.get(MEMBERS_UNIQUE_INDEX)).toMatchObject({
      key: { workspaceId: 1, userId: 1 },
      unique: true,
    });
    expect(members.get(MEMBERS_LIST_INDEX)?.key).toEqual({ workspaceId: 1, joinedAt: 1, _id: 1 });
    expect(members.get(MEMBERS_BY_ROLE_INDEX)?.key).toEqual({ workspaceId: 1, role: 1 });
    expect(members.get(MEMBERSHIPS_INDEX)?.key).toEqual({ userId: 1, joinedAt: 1, _id: 1 });
    const invitations = new Map(
      (await connection.collection(INVITATIONS_COLLECTION).indexes()).map((i) => [i.name, i]),
    );
    expect(invitations.get(INVITATION_TOKEN_INDEX)).toMatchObject({
      key: { tokenHash: 1 },
      unique: true,
    });
    expect(invitations.get(INVITATIONS_PENDING_INDEX)?.key).toEqual({
      workspaceId: 1,
      acceptedAt: 1,
      revokedAt: 1,
      createdAt: -1,
      _id: -1,
    });
    const leading = [memberMongooseSchema, invitationMongooseSchema].flatMap((schema) =>
      schema.indexes().map(([keys, options]) => [options.name, Object.keys(keys)[0]]),
    );
    expect(leading).toEqual([
      [MEMBERS_UNIQUE_INDEX, 'workspaceId'],
      [MEMBERS_LIST_INDEX, 'workspaceId'],
      [MEMBERS_BY_ROLE_INDEX, 'workspaceId'],
      [MEMBERSHIPS_INDEX, 'userId'],
      [INVITATION_TOKEN_INDEX, 'tokenHash'],
      [INVITATIONS_PENDING_INDEX, 'workspaceId'],
    ]);
    expect(workspaceMongooseSchema.indexes()).toEqual([]);
  });

  test('a second membership or token written around the adapter is refused by the database', async () => {
    await emptied(connection);
    const member = { workspaceId: 'w', userId: 'u', role: 'member', joinedAt: new Date() };
    await connection.collection(MEMBERS_COLLECTION).insertOne({ ...member });
    await expect(
      connection.collection(MEMBERS_COLLECTION).insertOne({ ...member }),
    ).rejects.toMatchObject({ code: 11000 });
    await connection.collection(INVITATIONS_COLLECTION).insertOne({ tokenHash: 't' });
    await expect(
      connection.collection(INVITATIONS_COLLECTION).insertOne({ tokenHash: 't' }),
    ).rejects.toMatchObject({ code: 11000 });
  });

  test('an invitation whose spender died after its claim is marked by the next spend, which is null', async () => {
    const store = await emptied(connection);
    const workspace = await store.createWorkspace({ name: 'Acme' });
    const invitation = await store.createInvitation(buildInvitation(workspace!.id, 'b'.repeat(64)));
    const at = new Date('2026-04-05T06:07:08.901Z');
    await connection
      .collection<{ _id: string; how: string; at: Date }>(INVITATION_SPENDS_COLLECTION)
      .insertOne({ _id: invitation.id, how: 'accepted', at });
    expect(await store.spendInvitation(workspace!.id, invitation.id, 'revoked', new Date())).toBe(
      null,
    );
    expect(await store.findInvitationByTokenHash(invitation.tokenHash)).toEqual({
      ...invitation,
      acceptedAt: at,
      revokedAt: null,
    });
    expect(await store.listPendingInvitations(workspace!.id, 10)).toEqual([]);
  });

  test('every query has a declared index behind it; listMemberships is two queries', async () => {
    const monitored = await connectTestDatabase(databaseUri, { monitorCommands: true });
    const recording = recordQueries(monitored);
    try {
      const store = await emptied(monitored);
      recording.queries.length = 0;
      const ws = (await store.createWorkspace({ name: 'Acme' }))!.id;
      const other = (await store.createWorkspace({
        name: 'Globex',
        id: '000000000000000000000009',
      }))!.id;
      await store.createWorkspace({ name: 'Again', id: other });
      await store.getWorkspace(ws);
      await store.renameWorkspace(ws, 'Acme Corp');
      await store.hasAnyMember();
      const alice = {
        userId: 'user-alice',
        email: 'a@example.com',
        name: 'A',
        role: 'owner' as const,
      };
      await store.addMember({ ...alice, workspaceId: ws });
      await store.addMember({ ...alice, workspaceId: ws });
      await store.addMember({ ...alice, workspaceId: other });
      await store.getMember(ws, 'user-alice');
      await store.listMembers(ws, 10);
      await store.setRole(ws, 'user-alice', 'admin');
      await store.countOwners(ws);
      await store.removeMember(other, 'user-alice');
      const invitation = await store.createInvitation(buildInvitation(ws, 'c'.repeat(64)));
      await store.findInvitationByTokenHash(invitation.tokenHash);
      await store.listPendingInvitations(ws, 10);
      await store.spendInvitation(ws, invitation.id, 'accepted', new Date());
      await store.spendInvitation(ws, invitation.id, 'revoked', new Date());
      const raced = await store.createInvitation(buildInvitation(ws, 'd'.repeat(64)));
      await Promise.all([
        store.spendInvitation(ws, raced.id, 'accepted', new Date()),
        store.spendInvitation(ws, raced.id, 'revoked', new Date()),
      ]);

      const before = recording.queries.length;
      await store.listMemberships('user-alice');
      expect(recording.queries.slice(before)).toMatchObject([
        { collection: MEMBERS_COLLECTION, command: 'find', filter: { userId: 'user-alice' } },
        {
          collection: WORKSPACES_COLLECTION,
          command: 'find',
          filter: { _id: { $in: [new mongoose.Types.ObjectId(ws)] } },
        },
      ]);
    } finally {
      recording.stop();
      await monitored.close();
    }

    const sent = expectEveryQueryIndexed(recording.queries, {
      [WORKSPACES_COLLECTION]: declaredIndexes(workspaceMongooseSchema),
      [MEMBERS_COLLECTION]: declaredIndexes(memberMongooseSchema),
      [INVITATIONS_COLLECTION]: declaredIndexes(invitationMongooseSchema),
      [INVITATION_SPENDS_COLLECTION]: [],
    });
    expect(new Set(sent.map((query) => query.command))).toEqual(
      new Set(['find', 'findAndModify', 'delete', 'aggregate']),
    );
    // By id, the adapter filters on exactly { _id }: the one filter FerretDB 1.x pushes down.
    const byId = sent.filter((query) => Object.hasOwn(query.filter, '_id'));
    for (const query of byId) expect(Object.keys(query.filter)).toEqual(['_id']);
  });
});

describe('Mongoose workspace adapter: an unreachable database', () => {
  test('answers ServiceUnavailableError at once while not connected, instead of waiting', async () => {
    const down = mongoose.createConnection('mongodb://127.0.0.1:9/switchboard_down', {
      bufferCommands: false,
      serverSelectionTimeoutMS: 1500,
    });
    down.on('error', () => {});
    const store = createMongooseWorkspaceStore(down);
    const error = await store.listMemberships('user-alice').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).cause).toMatchObject({
      name: 'MongooseError',
      message: expect.stringMatching(/before initial connection is complete/) as unknown,
    });
    await expect(
      store.addMember({ workspaceId: 'w', userId: 'u', email: '', name: '', role: 'member' }),
    ).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(store.ping()).rejects.toBeInstanceOf(ServiceUnavailableError);
    await down.close();
  });
});
