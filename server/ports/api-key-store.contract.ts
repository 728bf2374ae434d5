import { beforeEach, describe, expect, test } from 'vitest';
import { ConflictError } from '../errors.ts';
import type { ApiKeyRecord, ApiKeyStore, NewApiKeyRecord } from './api-key-store.port.ts';

const OBJECT_ID = /^[0-9a-f]{24}$/;
const MISSING_ID = '0123456789abcdef01234567';
/** The workspace most tests work in, and another one that must never see into it. */
const WS = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const OTHER_WS = 'bbbbbbbbbbbbbbbbbbbbbbbb';
const AGENT_A = '64b000000000000000000a0a';

/**
 * The behaviour every ApiKeyStore adapter must have. Each adapter's test file runs it:
 * `describeApiKeyStoreContract('memory', async () => createMemoryApiKeyStore())`.
 * `makeStore` is called before every test and must return an empty store.
 */
export function describeApiKeyStoreContract(
  name: string,
  makeStore: () => Promise<ApiKeyStore>,
): void {
  describe(`ApiKeyStore contract: ${name}`, () => {
    let store: ApiKeyStore;
    beforeEach(async () => {
      store = await makeStore();
    });

    let hashes = 0;
    const buildKey = (overrides: Partial<NewApiKeyRecord> = {}): NewApiKeyRecord => {
      hashes += 1;
      return {
        workspaceId: WS,
        kind: 'secret',
        name: 'CI deploys',
        hash: hashes.toString(16).padStart(64, '0'),
        start: 'sk_live_abc',
        scopes: ['agents:read', 'sessions:start'],
        origins: [],
        agentIds: null,
        createdBy: 'user:alice',
        ...overrides,
      };
    };
    const created = (overrides: Partial<NewApiKeyRecord> = {}) => store.create(buildKey(overrides));

    test('create stores the key with a 24-hex id, never used nor revoked; findByHash finds it', async () => {
      const input = buildKey();
      const key = await store.create(input);
      expect(key).toEqual({
        ...input,
        id: expect.stringMatching(OBJECT_ID) as unknown,
        createdAt: expect.any(Date) as unknown,
        lastUsedAt: null,
        revokedAt: null,
      });
      expect(await store.findByHash(input.hash)).toEqual(key);
      expect(await store.findByHash('f'.repeat(64))).toBeNull();
    });

    test('a publishable key with origins and an agent list round-trips; an empty agent list stays empty', async () => {
      const publishable = await created({
        kind: 'publishable',
        start: 'pk_live_xyz',
        scopes: ['sessions:start'],
        origins: ['https://example.com', 'http://127.0.0.1:5173'],
        agentIds: [AGENT_A],
        createdBy: 'api-key:64b0000000000000000000ff',
      });
      expect(await store.findByHash(publishable.hash)).toEqual(publishable);
      expect(publishable).toMatchObject({
        origins: ['https://example.com', 'http://127.0.0.1:5173'],
      });
      const none = await created({ agentIds: [], scopes: [] });
      expect(await store.findByHash(none.hash)).toMatchObject({ agentIds: [], scopes: [] });
    });

    test('a second key with a hash already stored is refused (CONFLICT), in any workspace', async () => {
      const first = await created();
      await expect(store.create(buildKey({ hash: first.hash }))).rejects.toBeInstanceOf(
        ConflictError,
      );
      await expect(
        store.create(buildKey({ hash: first.hash, workspaceId: OTHER_WS })),
      ).rejects.toBeInstanceOf(ConflictError);
      expect(await store.findByHash(first.hash)).toEqual(first);
      expect(await store.list(WS, 10)).toEqual([first]);
      expect(await store.list(OTHER_WS, 10)).toEqual([]);
    });

    test('list: the workspace’s keys newest first, revoked ones included, at most limit', async () => {
      const oldest = await created();
      const middle = await created({ name: 'Website widget' });
      const newest = await created({ name: 'Support bot' });
      await created({ workspaceId: OTHER_WS });
      const revoked = await store.revoke(WS, middle.id, new Date('2026-02-03T04:05:06.789Z'));
      expect(await store.list(WS, 10)).toEqual([newest, revoked, oldest]);
      expect(await store.list(WS, 2)).toEqual([newest, revoked]);
      expect(await store.list(MISSING_ID, 10)).toEqual([]);
      expect((await store.list(OTHER_WS, 10)).map((key) => key.workspaceId)).toEqual([OTHER_WS]);
    });

    test('revoke sets revokedAt once; the revoked key is still found by its hash', async () => {
      const key = await created();
      const at = new Date('2026-02-03T04:05:06.789Z');
      const revoked = await store.revoke(WS, key.id, at);
      expect(revoked).toEqual({ ...key, revokedAt: at });
      expect(await store.findByHash(key.hash)).toEqual(revoked);
      expect(await store.revoke(WS, key.id, new Date())).toBeNull();
      expect(await store.findByHash(key.hash)).toEqual(revoked);
    });

    test('revoke of another workspace’s, a missing or a malformed id is null and changes nothing', async () => {
      const key = await created();
      expect(await store.revoke(OTHER_WS, key.id, new Date())).toBeNull();
      expect(await store.revoke(WS, MISSING_ID, new Date())).toBeNull();
      expect(await store.revoke(WS, 'not-an-id', new Date())).toBeNull();
      expect(await store.findByHash(key.hash)).toEqual(key);
    });

    test('5 racing revokes of one key: exactly one succeeds, and it is what is stored', async () => {
      const key = await created();
      const outcomes = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          store.revoke(WS, key.id, new Date(Date.UTC(2026, 0, 1, 0, 0, i))),
        ),
      );
      const winners = outcomes.filter((o): o is ApiKeyRecord => o !== null);
      expect(winners).toHaveLength(1);
      expect(await store.findByHash(key.hash)).toEqual(winners[0]);
    });

    test('touch sets lastUsedAt and nothing else; an unknown or malformed id is ignored', async () => {
      const key = await created();
      const at = new Date('2026-03-04T05:06:07.890Z');
      await store.touch(key.id, at);
      expect(await store.findByHash(key.hash)).toEqual({ ...key, lastUsedAt: at });
      const later = new Date('2026-03-04T06:00:00.000Z');
      await store.touch(key.id, later);
      expect((await store.findByHash(key.hash))?.lastUsedAt).toEqual(later);
      await expect(store.touch(MISSING_ID, at)).resolves.toBeUndefined();
      await expect(store.touch('not-an-id', at)).resolves.toBeUndefined();
    });

    test('records are copies: changing a returned one, or the input, changes nothing stored', async () => {
      const input = buildKey({ agentIds: [AGENT_A], origins: ['https://example.com'] });
      const key = await store.create(input);
      input.scopes.push('keys:admin');
      input.agentIds!.push(MISSING_ID);
      key.scopes.push('members:admin');
      key.origins.push('https://evil.example');
      key.name = 'mutated';
      const [listed] = await store.list(WS, 10);
      listed!.agentIds!.push(MISSING_ID);
      listed!.scopes.length = 0;
      expect(await store.findByHash(key.hash)).toMatchObject({
        name: 'CI deploys',
        scopes: ['agents:read', 'sessions:start'],
        origins: ['https://example.com'],
        agentIds: [AGENT_A],
      });
    });

    test('ping resolves while the database answers', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
