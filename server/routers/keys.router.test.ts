import { describe, expect, test } from 'vitest';
import { ROLE_PERMISSIONS } from '../../shared/auth.schema.ts';
import type { ApiErrorDetails } from '../../shared/errors.ts';
import { createMemoryApiKeyStore } from '../adapters/memory/api-key-store.memory.ts';
import type { Caller } from '../context.ts';
import { hashApiKey } from '../services/api-key.service.ts';
import { buildAgentInput, buildCaller } from '../testing/builders.ts';
import { buildPeople } from '../testing/people.ts';
import { trpcError } from '../testing/trpc-error.ts';

const detailsOf = (error: unknown) => (error as { details?: ApiErrorDetails | null }).details;
const issuesOf = (error: unknown) => (error as { issues?: unknown }).issues;

/** Alice owns workspace A, Bob owns B; a clock the test moves (keys' use and creation). */
async function setup() {
  let at = new Date('2030-01-01T00:00:00.000Z');
  const now = () => at;
  const built = buildCaller({ now, keyStore: createMemoryApiKeyStore({ now }) });
  const people = buildPeople(built);
  const alice = await people.owner('alice@example.com', 'A');
  const bob = await people.owner('bob@example.com', 'B');
  return {
    ...built,
    ...people,
    alice,
    bob,
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

describe('keys.create', () => {
  test('a secret key is returned in clear once; lists show its start, never the key or its hash', async () => {
    const { alice } = await setup();
    const { key, secret } = await alice.api.keys.create({
      kind: 'secret',
      name: 'CI',
      scopes: ['agents:read', 'agents:read', 'sessions:start'],
    });
    expect(secret).toMatch(/^sb_sk_[A-Za-z0-9_-]{43}$/);
    expect(key).toMatchObject({
      kind: 'secret',
      name: 'CI',
      start: secret.slice(0, 10),
      scopes: ['agents:read', 'sessions:start'],
      origins: [],
      agentIds: null,
      createdBy: 'alice@example.com',
      lastUsedAt: null,
      revokedAt: null,
    });
    const listed = JSON.stringify(await alice.api.keys.list());
    expect(listed).toContain(key.id);
    expect(listed).not.toContain(secret);
    expect(listed).not.toContain(hashApiKey(secret));
    expect(JSON.stringify(key)).not.toContain(secret);
  });

  test('scopes beyond the creator’s role are FORBIDDEN, naming the first such permission', async () => {
    const { alice, account, signedIn } = await setup();
    const carol = await account('carol@example.com');
    const { token } = await alice.api.invitations.create({ email: carol.email, role: 'admin' });
    await (await signedIn(carol)).invitations.accept({ token });
    const asAdmin = await signedIn(carol, alice.workspaceId);
    const error = await expectCode(
      () =>
        asAdmin.keys.create({
          kind: 'secret',
          name: 'Too much',
          scopes: ['agents:read', 'members:admin'],
        }),
      'FORBIDDEN',
    );
    expect(detailsOf(error)).toEqual({ reason: 'forbidden', permission: 'members:admin' });
    await expect(
      asAdmin.keys.create({ kind: 'secret', name: 'Fine', scopes: [...ROLE_PERMISSIONS.admin] }),
    ).resolves.toMatchObject({ key: { createdBy: 'carol@example.com' } });
    expect((await alice.api.keys.list()).map((key) => key.name)).toEqual(['Fine']);
  });

  test('a key with keys:admin cannot mint a key holding more than itself', async () => {
    const { alice, as, services } = await setup();
    const { secret } = await alice.api.keys.create({
      kind: 'secret',
      name: 'Deployer',
      scopes: ['keys:admin', 'agents:read'],
    });
    const caller = (await services.keys.authenticate(secret, undefined)) as Caller;
    const error = await expectCode(
      () => as(caller).keys.create({ kind: 'secret', name: 'Escalate', scopes: ['agents:write'] }),
      'FORBIDDEN',
    );
    expect(detailsOf(error)).toEqual({ reason: 'forbidden', permission: 'agents:write' });
    const minted = await as(caller).keys.create({
      kind: 'secret',
      name: 'Reader',
      scopes: ['agents:read'],
    });
    expect(minted.key.createdBy).toMatch(/^API key /);
  });

  test('a publishable key with an agent of another workspace is BAD_REQUEST at agentIds.<index>', async () => {
    const { alice, bob } = await setup();
    const own = await alice.api.agents.create(buildAgentInput({ name: 'A’s' }));
    const theirs = await bob.api.agents.create(buildAgentInput({ name: 'B’s' }));
    const error = await expectCode(
      () =>
        alice.api.keys.create({
          kind: 'publishable',
          name: 'Widget',
          origins: ['https://shop.example'],
          agentIds: [own.id, theirs.id],
        }),
      'BAD_REQUEST',
    );
    expect(issuesOf(error)).toEqual([
      { path: ['agentIds', '1'], message: expect.any(String) as unknown },
    ]);
    expect(await alice.api.keys.list()).toEqual([]);

    const { key, secret } = await alice.api.keys.create({
      kind: 'publishable',
      name: 'Widget',
      origins: ['https://shop.example', 'https://shop.example'],
      agentIds: [own.id],
    });
    expect(secret).toMatch(/^sb_pk_/);
    expect(key).toMatchObject({
      scopes: ['sessions:start'],
      origins: ['https://shop.example'],
      agentIds: [own.id],
    });
  });
});

describe('keys.list and keys.revoke', () => {
  test('lists newest first, revoked keys included', async () => {
    const { alice, advance } = await setup();
    const names = ['first', 'second', 'third'];
    for (const name of names) {
      await alice.api.keys.create({ kind: 'secret', name, scopes: ['agents:read'] });
      advance(1000);
    }
    const second = (await alice.api.keys.list())[1]!;
    await alice.api.keys.revoke({ id: second.id });
    const listed = await alice.api.keys.list();
    expect(listed.map((key) => key.name)).toEqual(['third', 'second', 'first']);
    expect(listed.map((key) => key.revokedAt !== null)).toEqual([false, true, false]);
  });

  test('revoking: the key stops working at once; revoking it again is NOT_FOUND', async () => {
    const { alice, services } = await setup();
    const { key, secret } = await alice.api.keys.create({
      kind: 'secret',
      name: 'CI',
      scopes: ['agents:read'],
    });
    expect(await services.keys.authenticate(secret, undefined)).toMatchObject({
      workspaceId: alice.workspaceId,
      actor: { kind: 'api-key', id: key.id },
    });
    const revoked = await alice.api.keys.revoke({ id: key.id });
    expect(revoked.revokedAt).toBe('2030-01-01T00:00:00.000Z');
    expect(await services.keys.authenticate(secret, undefined)).toMatchObject({
      reason: 'key-revoked',
    });
    const error = await expectCode(() => alice.api.keys.revoke({ id: key.id }), 'NOT_FOUND');
    expect(detailsOf(error)).toEqual({ reason: 'not-found', resource: 'key', id: key.id });
  });

  test('lastUsedAt is written at most once a minute', async () => {
    const { alice, services, advance } = await setup();
    const { secret } = await alice.api.keys.create({
      kind: 'secret',
      name: 'CI',
      scopes: ['agents:read'],
    });
    const lastUsed = async () => (await alice.api.keys.list())[0]!.lastUsedAt;
    await services.keys.authenticate(secret, undefined);
    expect(await lastUsed()).toBe('2030-01-01T00:00:00.000Z');
    advance(59_999);
    await services.keys.authenticate(secret, undefined);
    expect(await lastUsed()).toBe('2030-01-01T00:00:00.000Z');
    advance(1);
    await services.keys.authenticate(secret, undefined);
    expect(await lastUsed()).toBe('2030-01-01T00:01:00.000Z');
  });
});

describe('two workspaces: keys of one are invisible and unrevocable from the other', () => {
  test('B lists none of A’s keys; revoking A’s key from B is NOT_FOUND and the key still works', async () => {
    const { alice, bob, services } = await setup();
    const { key, secret } = await alice.api.keys.create({
      kind: 'secret',
      name: 'A’s key',
      scopes: ['agents:read'],
    });
    const mine = await bob.api.keys.create({
      kind: 'secret',
      name: 'B’s',
      scopes: ['agents:read'],
    });
    expect((await bob.api.keys.list()).map((listed) => listed.id)).toEqual([mine.key.id]);
    const before = await alice.api.keys.list();
    const error = await expectCode(() => bob.api.keys.revoke({ id: key.id }), 'NOT_FOUND');
    expect(detailsOf(error)).toEqual({ reason: 'not-found', resource: 'key', id: key.id });
    expect(await alice.api.keys.list()).toEqual(before);
    expect(await services.keys.authenticate(secret, undefined)).toMatchObject({
      workspaceId: alice.workspaceId,
    });
  });

  test('a key of A acts in A only, whatever it asks', async () => {
    const { alice, bob, as, services } = await setup();
    const theirs = await bob.api.agents.create(buildAgentInput({ name: 'B’s' }));
    const { secret } = await alice.api.keys.create({
      kind: 'secret',
      name: 'A’s key',
      scopes: ['agents:read', 'agents:write', 'keys:admin'],
    });
    const key = as((await services.keys.authenticate(secret, undefined)) as Caller);
    expect((await key.agents.list()).items).toEqual([]);
    await expectCode(() => key.agents.get({ agentId: theirs.id }), 'NOT_FOUND');
    await expectCode(() => key.agents.delete({ agentId: theirs.id }), 'NOT_FOUND');
    const bobsKey = (
      await bob.api.keys.create({ kind: 'secret', name: 'B', scopes: ['agents:read'] })
    ).key;
    await expectCode(() => key.keys.revoke({ id: bobsKey.id }), 'NOT_FOUND');
    expect((await bob.api.keys.list())[0]?.revokedAt).toBeNull();
  });
});
