import { beforeEach, describe, expect, test } from 'vitest';
import type { RoomRecord, RoomStore } from './room-store.port.ts';

/** The workspace most tests work in, and another one that must never see into it. */
const WS = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const OTHER_WS = 'bbbbbbbbbbbbbbbbbbbbbbbb';
const AGENT = '64b000000000000000000a0a';

/**
 * The behaviour every RoomStore adapter must have. Each adapter's test file runs it:
 * `describeRoomStoreContract('memory', async () => createMemoryRoomStore())`.
 * `makeStore` is called before every test and must return an empty store.
 */
export function describeRoomStoreContract(name: string, makeStore: () => Promise<RoomStore>): void {
  describe(`RoomStore contract: ${name}`, () => {
    let store: RoomStore;
    beforeEach(async () => {
      store = await makeStore();
    });

    // Whole seconds from a fixed point: every adapter keeps milliseconds exactly.
    const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, second));
    const buildRoom = (overrides: Partial<RoomRecord> = {}): RoomRecord => ({
      name: 'support:42',
      workspaceId: WS,
      agentId: AGENT,
      startedBy: 'user:u1',
      createdAt: at(0),
      ...overrides,
    });

    test('a claimed room reads back exactly, in its workspace only', async () => {
      const room = buildRoom();
      expect(await store.claim(room)).toEqual({ status: 'claimed', room });
      expect(await store.get(WS, 'support:42')).toEqual(room);
      expect(await store.get(OTHER_WS, 'support:42')).toBeNull();
      expect(await store.get(WS, 'support:43')).toBeNull();
    });

    test('a room started from overrides alone keeps agentId null', async () => {
      const room = buildRoom({ agentId: null, startedBy: 'publishable-key:k1' });
      await store.claim(room);
      expect(await store.get(WS, room.name)).toEqual(room);
    });

    test('a name is claimed once across workspaces: the second claim is taken and names the first', async () => {
      const first = buildRoom();
      await store.claim(first);
      expect(await store.claim(buildRoom({ workspaceId: OTHER_WS, startedBy: 'user:u2' }))).toEqual(
        { status: 'taken', existing: first },
      );
      expect(await store.claim(buildRoom({ createdAt: at(5) }))).toEqual({
        status: 'taken',
        existing: first,
      });
      expect(await store.get(OTHER_WS, first.name)).toBeNull();
    });

    test('racing claims for one name: exactly one is claimed, whatever the workspaces', async () => {
      const outcomes = await Promise.all(
        [WS, OTHER_WS, WS, OTHER_WS].map((workspaceId, i) =>
          store.claim(buildRoom({ name: 'contested', workspaceId, startedBy: `user:${i}` })),
        ),
      );
      const claimed = outcomes.filter((o) => o.status === 'claimed');
      expect(claimed).toHaveLength(1);
      const winner = claimed[0]?.room;
      for (const outcome of outcomes.filter((o) => o.status === 'taken')) {
        expect(outcome).toEqual({ status: 'taken', existing: winner });
      }
    });

    test('names differing only in case are different rooms (LiveKit names are case-sensitive)', async () => {
      await store.claim(buildRoom({ name: 'Room' }));
      expect(await store.claim(buildRoom({ name: 'room', workspaceId: OTHER_WS }))).toMatchObject({
        status: 'claimed',
      });
    });

    test('listRecent: the workspace’s rooms since a time, newest first, at most limit', async () => {
      for (const [i, workspaceId] of [WS, WS, OTHER_WS, WS, WS].entries()) {
        await store.claim(buildRoom({ name: `r${i}`, workspaceId, createdAt: at(i * 10) }));
      }
      const names = async (since: Date, limit: number) =>
        (await store.listRecent(WS, { since, limit })).map((room) => room.name);
      expect(await names(at(0), 10)).toEqual(['r4', 'r3', 'r1', 'r0']);
      expect(await names(at(10), 10)).toEqual(['r4', 'r3', 'r1']);
      expect(await names(at(11), 10)).toEqual(['r4', 'r3']);
      expect(await names(at(0), 2)).toEqual(['r4', 'r3']);
      expect(await names(at(41), 10)).toEqual([]);
      expect(await store.listRecent(OTHER_WS, { since: at(0), limit: 10 })).toEqual([
        buildRoom({ name: 'r2', workspaceId: OTHER_WS, createdAt: at(20) }),
      ]);
    });

    test('ping resolves', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
