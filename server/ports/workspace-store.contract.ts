import { beforeEach, describe, expect, test } from 'vitest';
import { ConflictError } from '../errors.ts';
import type {
  InvitationRecord,
  MemberRecord,
  NewInvitationRecord,
  WorkspaceStore,
} from './workspace-store.port.ts';

/** Ids as the stores make them: 24 lower-case hex digits (MongoDB ObjectIds). */
const OBJECT_ID = /^[0-9a-f]{24}$/;
const MISSING_ID = '0123456789abcdef01234567';
const ALICE = 'user-alice';
const BOB = 'user-bob';
const CAROL = 'user-carol';

/**
 * The behaviour every WorkspaceStore adapter must have. Each adapter's test file runs it:
 * `describeWorkspaceStoreContract('memory', async () => createMemoryWorkspaceStore())`.
 * `makeStore` is called before every test and must return an empty store.
 */
export function describeWorkspaceStoreContract(
  name: string,
  makeStore: () => Promise<WorkspaceStore>,
): void {
  describe(`WorkspaceStore contract: ${name}`, () => {
    let store: WorkspaceStore;
    /** The workspace most tests work in, and another one that must never see into it. */
    let ws: string;
    let otherWs: string;
    beforeEach(async () => {
      store = await makeStore();
      ws = (await workspace('Acme')).id;
      otherWs = (await workspace('Globex')).id;
    });

    const workspace = async (workspaceName: string, id?: string) => {
      const created = await store.createWorkspace({ name: workspaceName, id });
      if (!created) throw new Error(`workspace ${workspaceName} was not created`);
      return created;
    };

    const buildMember = (
      overrides: Partial<Omit<MemberRecord, 'joinedAt'>> = {},
    ): Omit<MemberRecord, 'joinedAt'> => ({
      workspaceId: ws,
      userId: ALICE,
      email: 'alice@example.com',
      name: 'Alice',
      role: 'member',
      ...overrides,
    });

    const added = async (overrides: Partial<Omit<MemberRecord, 'joinedAt'>> = {}) => {
      const outcome = await store.addMember(buildMember(overrides));
      if (outcome.status !== 'added') throw new Error(`expected added, got ${outcome.status}`);
      return outcome.member;
    };

    let tokens = 0;
    const buildInvitation = (overrides: Partial<NewInvitationRecord> = {}): NewInvitationRecord => {
      tokens += 1;
      return {
        workspaceId: ws,
        email: 'dana@example.com',
        role: 'member',
        tokenHash: tokens.toString(16).padStart(64, '0'),
        invitedBy: ALICE,
        expiresAt: new Date('2030-01-02T03:04:05.678Z'),
        ...overrides,
      };
    };

    describe('workspaces', () => {
      test('createWorkspace without an id makes a 24-hex id; getWorkspace returns the same record', async () => {
        const created = await workspace('Initech');
        expect(created.id).toMatch(OBJECT_ID);
        expect(created.name).toBe('Initech');
        expect(created.createdAt).toBeInstanceOf(Date);
        expect(await store.getWorkspace(created.id)).toEqual(created);
        expect(new Set([created.id, ws, otherWs]).size).toBe(3);
      });

      test('createWorkspace with a given id succeeds once; the second time it is null and changes nothing', async () => {
        const id = '000000000000000000000001';
        const first = await store.createWorkspace({ name: 'First', id });
        expect(first).toMatchObject({ id, name: 'First' });
        expect(await store.createWorkspace({ name: 'Second', id })).toBeNull();
        expect(await store.getWorkspace(id)).toEqual(first);
      });

      test('two creates racing for one id: exactly one gets it', async () => {
        const id = '000000000000000000000002';
        const outcomes = await Promise.all([
          store.createWorkspace({ name: 'Racer A', id }),
          store.createWorkspace({ name: 'Racer B', id }),
        ]);
        const winners = outcomes.filter((outcome) => outcome !== null);
        expect(winners).toHaveLength(1);
        expect(await store.getWorkspace(id)).toEqual(winners[0]);
      });

      test('getWorkspace of an unknown or malformed id is null', async () => {
        expect(await store.getWorkspace(MISSING_ID)).toBeNull();
        expect(await store.getWorkspace('not-an-id')).toBeNull();
      });

      test('renameWorkspace changes the name only; a missing workspace is null', async () => {
        const before = await store.getWorkspace(ws);
        const renamed = await store.renameWorkspace(ws, 'Acme Corp');
        expect(renamed).toEqual({ ...before, name: 'Acme Corp' });
        expect(await store.getWorkspace(ws)).toEqual(renamed);
        expect((await store.getWorkspace(otherWs))?.name).toBe('Globex');
        expect(await store.renameWorkspace(MISSING_ID, 'Nobody')).toBeNull();
        expect(await store.renameWorkspace('not-an-id', 'Nobody')).toBeNull();
      });

      test('hasAnyMember is false with workspaces but no member, true once one joins, false when gone', async () => {
        expect(await store.hasAnyMember()).toBe(false);
        await added({ workspaceId: otherWs });
        expect(await store.hasAnyMember()).toBe(true);
        await store.removeMember(otherWs, ALICE);
        expect(await store.hasAnyMember()).toBe(false);
      });
    });

    describe('members', () => {
      test('addMember adds with joinedAt; getMember returns the same record', async () => {
        const outcome = await store.addMember(buildMember({ role: 'owner' }));
        expect(outcome.status).toBe('added');
        expect(outcome.member).toMatchObject({ ...buildMember({ role: 'owner' }) });
        expect(outcome.member.joinedAt).toBeInstanceOf(Date);
        expect(await store.getMember(ws, ALICE)).toEqual(outcome.member);
      });

      test('adding an existing member is already_member with the membership unchanged', async () => {
        const first = await added({ role: 'admin' });
        const again = await store.addMember(buildMember({ role: 'viewer', name: 'Alice B.' }));
        expect(again).toEqual({ status: 'already_member', member: first });
        expect(await store.getMember(ws, ALICE)).toEqual(first);
      });

      test('5 racing adds of one user: exactly one is added, the others already_member', async () => {
        const outcomes = await Promise.all(
          Array.from({ length: 5 }, (_, i) => store.addMember(buildMember({ name: `Alice ${i}` }))),
        );
        const winners = outcomes.flatMap((o) => (o.status === 'added' ? [o.member] : []));
        expect(winners).toHaveLength(1);
        const losers = outcomes.filter((o) => o.status === 'already_member');
        expect(losers).toHaveLength(4);
        for (const loser of losers) expect(loser.member).toEqual(winners[0]);
        expect(await store.listMembers(ws, 10)).toEqual(winners);
      });

      test('one user may be a member of several workspaces', async () => {
        const ours = await added();
        const theirs = await added({ workspaceId: otherWs, role: 'owner' });
        expect(await store.getMember(ws, ALICE)).toEqual(ours);
        expect(await store.getMember(otherWs, ALICE)).toEqual(theirs);
      });

      test('getMember is null for another workspace or another user', async () => {
        await added();
        expect(await store.getMember(otherWs, ALICE)).toBeNull();
        expect(await store.getMember(ws, BOB)).toBeNull();
      });

      test('listMembers: the workspace’s members oldest first, at most limit', async () => {
        const alice = await added();
        const bob = await added({ userId: BOB, email: 'bob@example.com', name: 'Bob' });
        const carol = await added({ userId: CAROL, email: 'carol@example.com', name: 'Carol' });
        await added({ workspaceId: otherWs, userId: 'user-zed' });
        expect(await store.listMembers(ws, 10)).toEqual([alice, bob, carol]);
        expect(await store.listMembers(ws, 2)).toEqual([alice, bob]);
        expect(await store.listMembers(MISSING_ID, 10)).toEqual([]);
      });

      test('listMemberships: the user’s memberships oldest first, each with its workspace', async () => {
        const third = await workspace('Umbrella');
        const inOther = await added({ workspaceId: otherWs, role: 'owner' });
        const inThird = await added({ workspaceId: third.id, role: 'viewer' });
        const inOurs = await added();
        await added({ userId: BOB });
        expect(await store.listMemberships(ALICE)).toEqual([
          { workspace: await store.getWorkspace(otherWs), member: inOther },
          { workspace: third, member: inThird },
          { workspace: await store.getWorkspace(ws), member: inOurs },
        ]);
        expect((await store.listMemberships(BOB)).map((m) => m.workspace.id)).toEqual([ws]);
        expect(await store.listMemberships(CAROL)).toEqual([]);
      });

      test('setRole changes the role only; missing member or another workspace is null', async () => {
        const alice = await added({ role: 'member' });
        const changed = await store.setRole(ws, ALICE, 'admin');
        expect(changed).toEqual({ ...alice, role: 'admin' });
        expect(await store.getMember(ws, ALICE)).toEqual(changed);
        expect(await store.setRole(otherWs, ALICE, 'owner')).toBeNull();
        expect(await store.setRole(ws, BOB, 'owner')).toBeNull();
        expect(await store.getMember(otherWs, ALICE)).toBeNull();
      });

      test('removeMember is true once, then false; another workspace’s removal changes nothing', async () => {
        await added({ workspaceId: otherWs });
        const ours = await added();
        expect(await store.removeMember(ws, BOB)).toBe(false);
        expect(await store.removeMember(ws, ALICE)).toBe(true);
        expect(await store.getMember(ws, ALICE)).toBeNull();
        expect(await store.removeMember(ws, ALICE)).toBe(false);
        expect(await store.getMember(otherWs, ALICE)).toMatchObject({ workspaceId: otherWs });
        const again = await store.addMember(buildMember());
        expect(again.status).toBe('added');
        expect(again.member.joinedAt.getTime()).toBeGreaterThanOrEqual(ours.joinedAt.getTime());
      });

      test('countOwners counts the workspace’s owners only and follows role changes', async () => {
        expect(await store.countOwners(ws)).toBe(0);
        await added({ role: 'owner' });
        await added({ userId: BOB, role: 'owner' });
        await added({ userId: CAROL, role: 'admin' });
        await added({ workspaceId: otherWs, role: 'owner' });
        expect(await store.countOwners(ws)).toBe(2);
        await store.setRole(ws, BOB, 'member');
        expect(await store.countOwners(ws)).toBe(1);
        await store.removeMember(ws, ALICE);
        expect(await store.countOwners(ws)).toBe(0);
        expect(await store.countOwners(otherWs)).toBe(1);
      });
    });

    describe('invitations', () => {
      const created = async (overrides: Partial<NewInvitationRecord> = {}) =>
        store.createInvitation(buildInvitation(overrides));

      test('createInvitation stores it pending with a 24-hex id; findInvitationByTokenHash finds it', async () => {
        const input = buildInvitation({ role: 'admin' });
        const invitation = await store.createInvitation(input);
        expect(invitation).toMatchObject({ ...input, acceptedAt: null, revokedAt: null });
        expect(invitation.id).toMatch(OBJECT_ID);
        expect(invitation.createdAt).toBeInstanceOf(Date);
        expect(await store.findInvitationByTokenHash(input.tokenHash)).toEqual(invitation);
        expect(await store.findInvitationByTokenHash('f'.repeat(64))).toBeNull();
      });

      test('a second invitation with a token hash already stored is refused (CONFLICT)', async () => {
        const first = await created();
        await expect(
          store.createInvitation(
            buildInvitation({ tokenHash: first.tokenHash, workspaceId: otherWs }),
          ),
        ).rejects.toBeInstanceOf(ConflictError);
        expect(await store.findInvitationByTokenHash(first.tokenHash)).toEqual(first);
      });

      test('listPendingInvitations: newest first, at most limit, expired included, spent and others’ excluded', async () => {
        const expired = await created({ expiresAt: new Date('2020-01-01T00:00:00.000Z') });
        const accepted = await created();
        const second = await created({ email: 'erin@example.com' });
        const revoked = await created();
        const newest = await created({ email: 'frank@example.com' });
        await created({ workspaceId: otherWs });
        await store.spendInvitation(ws, accepted.id, 'accepted', new Date());
        await store.spendInvitation(ws, revoked.id, 'revoked', new Date());
        expect(await store.listPendingInvitations(ws, 10)).toEqual([newest, second, expired]);
        expect(await store.listPendingInvitations(ws, 2)).toEqual([newest, second]);
        expect(await store.listPendingInvitations(MISSING_ID, 10)).toEqual([]);
      });

      test('spendInvitation accepted: sets acceptedAt once; a second spend either way is null', async () => {
        const invitation = await created();
        const at = new Date('2026-05-06T07:08:09.123Z');
        const spent = await store.spendInvitation(ws, invitation.id, 'accepted', at);
        expect(spent).toEqual({ ...invitation, acceptedAt: at, revokedAt: null });
        expect(await store.findInvitationByTokenHash(invitation.tokenHash)).toEqual(spent);
        expect(await store.spendInvitation(ws, invitation.id, 'accepted', new Date())).toBeNull();
        expect(await store.spendInvitation(ws, invitation.id, 'revoked', new Date())).toBeNull();
        expect(await store.findInvitationByTokenHash(invitation.tokenHash)).toEqual(spent);
      });

      test('spendInvitation revoked: sets revokedAt only', async () => {
        const invitation = await created();
        const at = new Date('2026-05-06T07:08:09.123Z');
        expect(await store.spendInvitation(ws, invitation.id, 'revoked', at)).toEqual({
          ...invitation,
          acceptedAt: null,
          revokedAt: at,
        });
        expect(await store.spendInvitation(ws, invitation.id, 'accepted', new Date())).toBeNull();
      });

      test('spendInvitation of another workspace’s, a missing or a malformed id is null and changes nothing', async () => {
        const invitation = await created();
        expect(
          await store.spendInvitation(otherWs, invitation.id, 'accepted', new Date()),
        ).toBeNull();
        expect(await store.spendInvitation(ws, MISSING_ID, 'accepted', new Date())).toBeNull();
        expect(await store.spendInvitation(ws, 'not-an-id', 'revoked', new Date())).toBeNull();
        expect(await store.findInvitationByTokenHash(invitation.tokenHash)).toEqual(invitation);
        expect(await store.listPendingInvitations(ws, 10)).toEqual([invitation]);
      });

      test('5 racing spends of one invitation: exactly one succeeds, and it is what is stored', async () => {
        const invitation = await created();
        const outcomes = await Promise.all(
          Array.from({ length: 5 }, (_, i) =>
            store.spendInvitation(
              ws,
              invitation.id,
              i % 2 === 0 ? 'accepted' : 'revoked',
              new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
            ),
          ),
        );
        const winners = outcomes.filter((o): o is InvitationRecord => o !== null);
        expect(winners).toHaveLength(1);
        expect(await store.findInvitationByTokenHash(invitation.tokenHash)).toEqual(winners[0]);
        expect(await store.listPendingInvitations(ws, 10)).toEqual([]);
      });
    });

    test('returned records are copies: changing one changes nothing stored', async () => {
      const workspaceRecord = await store.getWorkspace(ws);
      const member = await added();
      const invitation = await store.createInvitation(buildInvitation());
      workspaceRecord!.name = 'mutated';
      member.role = 'owner';
      invitation.email = 'mutated@example.com';
      (await store.listMembers(ws, 10))[0]!.name = 'mutated';
      (await store.listMemberships(ALICE))[0]!.workspace.name = 'mutated';
      expect(await store.getWorkspace(ws)).toMatchObject({ name: 'Acme' });
      expect(await store.getMember(ws, ALICE)).toMatchObject({ role: 'member', name: 'Alice' });
      expect(await store.findInvitationByTokenHash(invitation.tokenHash)).toMatchObject({
        email: 'dana@example.com',
      });
    });

    test('ping resolves while the database answers', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
