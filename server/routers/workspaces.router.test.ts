import { describe, expect, test } from 'vitest';
import type { ApiErrorDetails } from '../../shared/errors.ts';
import { FIRST_WORKSPACE_ID } from '../identity.ts';
import { INVITATION_TTL_MS } from '../services/workspace.service.ts';
import { buildCaller } from '../testing/builders.ts';
import { buildPeople, TEST_PASSWORD } from '../testing/people.ts';
import { trpcError } from '../testing/trpc-error.ts';

const detailsOf = (error: unknown) => (error as { details?: ApiErrorDetails | null }).details;
const issuesOf = (error: unknown) => (error as { issues?: unknown }).issues;

/** Services with real accounts, and a clock the test moves. */
function setup() {
  let at = new Date('2030-01-01T00:00:00.000Z');
  const built = buildCaller({ now: () => at });
  return {
    ...built,
    ...buildPeople(built),
    advance: (ms: number) => {
      at = new Date(at.getTime() + ms);
    },
  };
}

async function expectCode(call: () => Promise<unknown>, code: string) {
  const error = await trpcError(call);
  expect(error.code).toBe(code);
  return error;
}

const newAccount = { name: 'Dana Doe', password: TEST_PASSWORD };

describe('setup', () => {
  const owner = {
    email: 'olive@example.com',
    name: 'Olive',
    password: TEST_PASSWORD,
    workspaceName: 'Acme',
  };

  test('a wrong token is FORBIDDEN setup-token and creates nobody', async () => {
    const { as, services } = setup();
    const token = await services.setup.issueToken();
    expect(token).toMatch(/^sb_setup_/);
    const error = await expectCode(
      () => as(null).setup.claim({ ...owner, token: `${token}x` }),
      'FORBIDDEN',
    );
    expect(detailsOf(error)).toEqual({ reason: 'setup-token' });
    expect(await as(null).setup.status()).toMatchObject({ needed: true });
    expect(await services.accounts.findByEmail(owner.email)).toBeNull();
  });

  test('the right token makes the first owner of the first workspace, once', async () => {
    const { as, services, signedIn } = setup();
    const token = (await services.setup.issueToken())!;
    const membership = await as(null).setup.claim({ ...owner, token });
    expect(membership).toMatchObject({ id: FIRST_WORKSPACE_ID, name: 'Acme', role: 'owner' });
    expect(await as(null).setup.status()).toMatchObject({ needed: false });

    const again = await expectCode(
      () => as(null).setup.claim({ ...owner, email: 'mallory@example.com', token }),
      'FORBIDDEN',
    );
    expect(detailsOf(again)).toEqual({ reason: 'setup-token' });
    expect(await services.setup.issueToken()).toBeNull();

    const olive = (await services.accounts.findByEmail(owner.email))!;
    const members = await (await signedIn(olive)).members.list();
    expect(members.map((member) => [member.email, member.role])).toEqual([[owner.email, 'owner']]);
  });

  test('claims racing with the right token: exactly one owner', async () => {
    const { as, services, signedIn } = setup();
    const token = (await services.setup.issueToken())!;
    const emails = [1, 2, 3, 4, 5].map((n) => `racer${n}@example.com`);
    const outcomes = await Promise.allSettled(
      emails.map((email) => as(null).setup.claim({ ...owner, email, token })),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const winner = emails[outcomes.findIndex((outcome) => outcome.status === 'fulfilled')]!;
    const user = (await services.accounts.findByEmail(winner))!;
    expect((await (await signedIn(user)).members.list()).map((member) => member.email)).toEqual([
      winner,
    ]);
    for (const email of emails.filter((email) => email !== winner)) {
      expect(await services.accounts.findByEmail(email)).toBeNull();
    }
  });
});

describe('account and workspaces', () => {
  test('account.me lists the person and each of their workspaces with their role there', async () => {
    const { owner, signedIn, account } = setup();
    const alice = await owner('alice@example.com', 'Alice’s');
    const bob = await account('bob@example.com');
    const { token } = await alice.api.invitations.create({ email: bob.email, role: 'viewer' });
    const bobs = await signedIn(bob);
    await bobs.invitations.accept({ token });
    await bobs.workspaces.create({ name: 'Bob’s own' });

    const me = await (await signedIn(bob)).account.me();
    expect(me.user).toEqual({ id: bob.id, email: bob.email, name: bob.name });
    expect(me.workspaces.map(({ name, role }) => ({ name, role }))).toEqual([
      { name: 'Alice’s', role: 'viewer' },
      { name: 'Bob’s own', role: 'owner' },
    ]);
  });

  test('workspaces.create makes the person its owner, able to manage its members', async () => {
    const { owner, signedIn, account } = setup();
    await owner('alice@example.com');
    const bob = await account('bob@example.com');
    const created = await (await signedIn(bob)).workspaces.create({ name: '  Side project ' });
    expect(created).toMatchObject({ name: 'Side project', role: 'owner' });
    expect(created.id).not.toBe(FIRST_WORKSPACE_ID);
    const inIt = await signedIn(bob, created.id);
    expect((await inIt.members.list()).map((member) => [member.userId, member.role])).toEqual([
      [bob.id, 'owner'],
    ]);
    await expect(inIt.workspaces.rename({ name: 'Renamed' })).resolves.toMatchObject({
      id: created.id,
      name: 'Renamed',
    });
  });

  test('signed in without a workspace: FORBIDDEN no-workspace for workspace procedures; account.me works', async () => {
    const { account, signedIn } = setup();
    const nobody = await account('new@example.com');
    const api = await signedIn(nobody);
    for (const call of [() => api.agents.list(), () => api.members.list(), () => api.keys.list()]) {
      const error = await expectCode(call, 'FORBIDDEN');
      expect(detailsOf(error)).toEqual({ reason: 'no-workspace' });
    }
    expect(await api.account.me()).toMatchObject({ workspaces: [] });
    const created = await api.workspaces.create({ name: 'Mine' });
    await expect((await signedIn(nobody)).members.list()).resolves.toHaveLength(1);
    expect(created.role).toBe('owner');
  });

  test('naming a workspace the person is not in is NOT_FOUND workspace', async () => {
    const { owner, signedIn } = setup();
    const alice = await owner('alice@example.com');
    const bob = await owner('bob@example.com');
    const error = await expectCode(
      async () => (await signedIn(bob.user, alice.workspaceId)).agents.list(),
      'NOT_FOUND',
    );
    expect(detailsOf(error)).toEqual({
      reason: 'not-found',
      resource: 'workspace',
      id: alice.workspaceId,
    });
  });
});

describe('members', () => {
  /** Alice owns the workspace; Bob and Carol joined it as member and viewer. */
  async function team() {
    const built = setup();
    const alice = await built.owner('alice@example.com');
    const join = async (email: string, role: 'member' | 'viewer' | 'admin' | 'owner') => {
      const user = await built.account(email);
      const { token } = await alice.api.invitations.create({ email, role });
      await (await built.signedIn(user)).invitations.accept({ token });
      return user;
    };
    const bob = await join('bob@example.com', 'member');
    const carol = await join('carol@example.com', 'viewer');
    return { ...built, alice, bob, carol, join };
  }

  test('the last owner can be neither demoted nor removed (CONFLICT last-owner)', async () => {
    const { alice } = await team();
    for (const call of [
      () => alice.api.members.setRole({ userId: alice.user.id, role: 'admin' }),
      () => alice.api.members.remove({ userId: alice.user.id }),
    ]) {
      const error = await expectCode(call, 'CONFLICT');
      expect(detailsOf(error)).toEqual({ reason: 'last-owner', userId: alice.user.id });
    }
    expect((await alice.api.members.list()).find((m) => m.userId === alice.user.id)?.role).toBe(
      'owner',
    );
  });

  test('an owner changes roles; with a second owner the first may step down, then the second is the last', async () => {
    const { alice, bob, carol, signedIn } = await team();
    await expect(
      alice.api.members.setRole({ userId: carol.id, role: 'admin' }),
    ).resolves.toMatchObject({ userId: carol.id, role: 'admin' });
    await alice.api.members.setRole({ userId: bob.id, role: 'owner' });
    await expect(
      alice.api.members.setRole({ userId: alice.user.id, role: 'member' }),
    ).resolves.toMatchObject({ role: 'member' });

    const asBob = await signedIn(bob, alice.workspaceId);
    const error = await expectCode(() => asBob.members.remove({ userId: bob.id }), 'CONFLICT');
    expect(detailsOf(error)).toEqual({ reason: 'last-owner', userId: bob.id });
    // Alice is a member now: the roles she had are gone with the next request.
    const asAlice = await signedIn(alice.user, alice.workspaceId);
    expect((await expectCode(() => asAlice.members.list(), 'FORBIDDEN')).code).toBe('FORBIDDEN');
    await asBob.members.remove({ userId: alice.user.id });
    expect((await asBob.members.list()).map((m) => [m.email, m.role])).toEqual([
      ['bob@example.com', 'owner'],
      ['carol@example.com', 'admin'],
    ]);
    const removed = await expectCode(
      async () => (await signedIn(alice.user, alice.workspaceId)).agents.list(),
      'NOT_FOUND',
    );
    expect(detailsOf(removed)).toMatchObject({ resource: 'workspace' });
  });

  test('an unknown member is NOT_FOUND member', async () => {
    const { alice } = await team();
    const error = await expectCode(
      () => alice.api.members.setRole({ userId: 'nobody', role: 'admin' }),
      'NOT_FOUND',
    );
    expect(detailsOf(error)).toEqual({ reason: 'not-found', resource: 'member', id: 'nobody' });
    await expectCode(() => alice.api.members.remove({ userId: 'nobody' }), 'NOT_FOUND');
  });
});

describe('invitations', () => {
  test('create → preview → accept by a new account: a member with the invited role, once', async () => {
    const { owner, as, services, signedIn } = setup();
    const alice = await owner('alice@example.com', 'Acme');
    const { invitation, token } = await alice.api.invitations.create({
      email: ' Dana@Example.com ',
      role: 'admin',
    });
    expect(token).toMatch(/^sb_inv_[A-Za-z0-9_-]{40,}$/);
    expect(invitation).toMatchObject({ email: 'dana@example.com', role: 'admin' });
    expect(JSON.stringify(invitation)).not.toContain(token);
    expect(await alice.api.invitations.list()).toEqual([invitation]);
    expect(invitation.invitedBy).toBe('alice@example.com');

    expect(await as(null).invitations.preview({ token })).toEqual({
      workspaceName: 'Acme',
      email: 'dana@example.com',
      role: 'admin',
      expiresAt: invitation.expiresAt,
      hasAccount: false,
    });
    const membership = await as(null).invitations.accept({ token, newAccount });
    expect(membership).toMatchObject({ id: alice.workspaceId, name: 'Acme', role: 'admin' });

    const dana = (await services.accounts.findByEmail('dana@example.com'))!;
    expect(dana.name).toBe('Dana Doe');
    expect(await (await signedIn(dana)).account.me()).toMatchObject({
      workspaces: [{ id: alice.workspaceId, role: 'admin' }],
    });
    expect(await alice.api.invitations.list()).toEqual([]);

    for (const call of [
      () => as(null).invitations.accept({ token, newAccount }),
      async () => (await signedIn(dana)).invitations.accept({ token }),
      () => as(null).invitations.preview({ token }),
    ]) {
      const error = await expectCode(call, 'NOT_FOUND');
      expect(detailsOf(error)).toMatchObject({ reason: 'not-found', resource: 'invitation' });
    }
  });

  test('an invitation expires after its TTL: preview and accept are NOT_FOUND', async () => {
    const { owner, as, advance } = setup();
    const alice = await owner('alice@example.com');
    const { invitation, token } = await alice.api.invitations.create({
      email: 'dana@example.com',
      role: 'member',
    });
    advance(INVITATION_TTL_MS - 1);
    await expect(as(null).invitations.preview({ token })).resolves.toMatchObject({
      expiresAt: invitation.expiresAt,
    });
    advance(1);
    await expectCode(() => as(null).invitations.preview({ token }), 'NOT_FOUND');
    await expectCode(() => as(null).invitations.accept({ token, newAccount }), 'NOT_FOUND');
  });

  test('accepting while signed in as another account is FORBIDDEN wrong-account; the invitation still works', async () => {
    const { owner, account, signedIn } = setup();
    const alice = await owner('alice@example.com');
    const erin = await account('erin@example.com');
    const dana = await account('dana@example.com');
    const { token } = await alice.api.invitations.create({
      email: 'dana@example.com',
      role: 'member',
    });
    const error = await expectCode(
      async () => (await signedIn(erin)).invitations.accept({ token }),
      'FORBIDDEN',
    );
    expect(detailsOf(error)).toEqual({ reason: 'wrong-account', email: 'dana@example.com' });
    expect(await (await signedIn(erin)).account.me()).toMatchObject({ workspaces: [] });
    await expect((await signedIn(dana)).invitations.accept({ token })).resolves.toMatchObject({
      id: alice.workspaceId,
      role: 'member',
    });
  });

  test('for an e-mail with an account, nobody signed in: UNAUTHORIZED, and the account is unchanged', async () => {
    const { owner, account, as, signedIn, services } = setup();
    const alice = await owner('alice@example.com');
    const dana = await account('dana@example.com', 'Dana Original');
    const { token } = await alice.api.invitations.create({
      email: 'dana@example.com',
      role: 'member',
    });
    expect(await as(null).invitations.preview({ token })).toMatchObject({ hasAccount: true });
    const refused = await expectCode(
      () =>
        as(null).invitations.accept({
          token,
          newAccount: { name: 'Mallory', password: 'mallorys password' },
        }),
      'UNAUTHORIZED',
    );
    expect((refused as unknown as { details: unknown }).details).toEqual({
      reason: 'account-exists',
      email: 'dana@example.com',
    });
    expect(await services.accounts.findByEmail('dana@example.com')).toEqual(dana);
    await expect((await signedIn(dana)).invitations.accept({ token })).resolves.toMatchObject({
      role: 'member',
    });
  });

  test('nobody signed in and no new account: BAD_REQUEST at newAccount', async () => {
    const { owner, as } = setup();
    const alice = await owner('alice@example.com');
    const { token } = await alice.api.invitations.create({
      email: 'd@example.com',
      role: 'viewer',
    });
    const error = await expectCode(() => as(null).invitations.accept({ token }), 'BAD_REQUEST');
    expect(issuesOf(error)).toEqual([
      { path: ['newAccount'], message: expect.any(String) as unknown },
    ]);
  });

  test('a revoked invitation cannot be accepted; revoking it again is NOT_FOUND', async () => {
    const { owner, as } = setup();
    const alice = await owner('alice@example.com');
    const { invitation, token } = await alice.api.invitations.create({
      email: 'dana@example.com',
      role: 'member',
    });
    await expect(alice.api.invitations.revoke({ id: invitation.id })).resolves.toEqual({
      revoked: true,
    });
    await expectCode(() => as(null).invitations.accept({ token, newAccount }), 'NOT_FOUND');
    await expectCode(() => alice.api.invitations.revoke({ id: invitation.id }), 'NOT_FOUND');
    expect(await alice.api.invitations.list()).toEqual([]);
  });

  test('an invitation revoked while it is being accepted grants nothing', async () => {
    const { owner, account, signedIn } = setup();
    const alice = await owner('alice@example.com');
    const dana = await account('dana@example.com');
    const { invitation, token } = await alice.api.invitations.create({
      email: 'dana@example.com',
      role: 'admin',
    });
    const asDana = await signedIn(dana);
    const [accepted, revoked] = await Promise.allSettled([
      asDana.invitations.accept({ token }),
      alice.api.invitations.revoke({ id: invitation.id }),
    ]);
    // One of them wins; never both.
    expect([accepted.status, revoked.status].sort()).toEqual(['fulfilled', 'rejected']);
    const members = (await alice.api.members.list()).map((member) => member.email);
    expect(members.includes('dana@example.com')).toBe(accepted.status === 'fulfilled');
  });

  test('two accepts of one link at once: one membership, one refusal', async () => {
    const { owner, as, services } = setup();
    const alice = await owner('alice@example.com');
    const { token } = await alice.api.invitations.create({
      email: 'dana@example.com',
      role: 'member',
    });
    const outcomes = await Promise.allSettled([
      as(null).invitations.accept({ token, newAccount }),
      as(null).invitations.accept({ token, newAccount }),
    ]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await services.accounts.findByEmail('dana@example.com')).not.toBeNull();
    expect((await alice.api.members.list()).map((member) => member.email)).toEqual([
      'alice@example.com',
      'dana@example.com',
    ]);
  });
});

describe('two workspaces: members and invitations of one are invisible and unchangeable from the other', () => {
  async function twoTeams() {
    const built = setup();
    const alice = await built.owner('alice@example.com', 'A');
    const bob = await built.owner('bob@example.com', 'B');
    const carol = await built.account('carol@example.com');
    const { token } = await alice.api.invitations.create({ email: carol.email, role: 'member' });
    await (await built.signedIn(carol)).invitations.accept({ token });
    const pending = await alice.api.invitations.create({
      email: 'dana@example.com',
      role: 'admin',
    });
    const snapshot = async () => ({
      members: await alice.api.members.list(),
      invitations: await alice.api.invitations.list(),
      workspace: (await alice.api.account.me()).workspaces,
    });
    return { ...built, alice, bob, carol, pending, snapshot };
  }

  test('lists show only the workspace’s own members and invitations', async () => {
    const { bob } = await twoTeams();
    expect((await bob.api.members.list()).map((m) => m.email)).toEqual(['bob@example.com']);
    expect(await bob.api.invitations.list()).toEqual([]);
  });

  test('changing or removing A’s members from B is NOT_FOUND, and A is unchanged', async () => {
    const { alice, bob, carol, snapshot } = await twoTeams();
    const before = await snapshot();
    for (const userId of [carol.id, alice.user.id]) {
      const error = await expectCode(
        () => bob.api.members.setRole({ userId, role: 'viewer' }),
        'NOT_FOUND',
      );
      expect(detailsOf(error)).toEqual({ reason: 'not-found', resource: 'member', id: userId });
      await expectCode(() => bob.api.members.remove({ userId }), 'NOT_FOUND');
    }
    await bob.api.workspaces.rename({ name: 'B renamed' });
    expect(await snapshot()).toEqual(before);
  });

  test('revoking A’s invitation from B is NOT_FOUND; it stays pending and usable', async () => {
    const { as, bob, pending, snapshot } = await twoTeams();
    const before = await snapshot();
    const error = await expectCode(
      () => bob.api.invitations.revoke({ id: pending.invitation.id }),
      'NOT_FOUND',
    );
    expect(detailsOf(error)).toEqual({
      reason: 'not-found',
      resource: 'invitation',
      id: pending.invitation.id,
    });
    expect(await snapshot()).toEqual(before);
    await expect(
      as(null).invitations.accept({ token: pending.token, newAccount }),
    ).resolves.toMatchObject({ role: 'admin' });
  });

  test('a member of both acts in the workspace the request names, with the role held there', async () => {
    const { alice, bob, carol, signedIn } = await twoTeams();
    const { token } = await bob.api.invitations.create({ email: carol.email, role: 'owner' });
    await (await signedIn(carol)).invitations.accept({ token });
    const inB = await signedIn(carol, bob.workspaceId);
    expect((await inB.members.list()).map((m) => m.email)).toEqual([
      'bob@example.com',
      'carol@example.com',
    ]);
    const inA = await signedIn(carol, alice.workspaceId);
    const error = await expectCode(() => inA.members.list(), 'FORBIDDEN');
    expect(detailsOf(error)).toEqual({ reason: 'forbidden', permission: 'members:admin' });
  });
});
