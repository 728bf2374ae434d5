import { beforeEach, describe, expect, test } from 'vitest';
import type { LeaseStore } from './lease-store.port.ts';

/** A clock the test moves by hand: expiry is tested without waiting. */
export interface TestClock {
  now: () => Date;
  advance(ms: number): void;
}

/**
 * The behaviour every LeaseStore adapter must have. Each adapter's test file runs it:
 * `describeLeaseStoreContract('memory', async (now) => createMemoryLeaseStore({ now }))`.
 * `makeStore` is called before every test with the test's clock and must return an empty store.
 */
export function describeLeaseStoreContract(
  name: string,
  makeStore: (now: () => Date) => Promise<LeaseStore>,
): void {
  describe(`LeaseStore contract: ${name}`, () => {
    let store: LeaseStore;
    let clock: TestClock;
    beforeEach(async () => {
      let time = Date.UTC(2026, 0, 1, 12, 0, 0);
      clock = { now: () => new Date(time), advance: (ms) => (time += ms) };
      store = await makeStore(clock.now);
    });

    test('a free key is acquired; while held, another holder is refused', async () => {
      expect(await store.acquire('room:a', 'p1', 1000)).toEqual({ acquired: true, fence: 1 });
      expect(await store.acquire('room:a', 'p2', 1000)).toEqual({ acquired: false });
      clock.advance(999);
      expect(await store.acquire('room:a', 'p2', 1000)).toEqual({ acquired: false });
      expect(await store.acquire('room:b', 'p2', 1000)).toEqual({ acquired: true, fence: 1 });
    });

    test('of racing acquirers of one key exactly one wins', async () => {
      const holders = Array.from({ length: 8 }, (_, i) => `p${i}`);
      const outcomes = await Promise.all(holders.map((h) => store.acquire('room:race', h, 5000)));
      expect(outcomes.filter((o) => o.acquired)).toEqual([{ acquired: true, fence: 1 }]);
    });

    test('racing acquirers of an expired lease: exactly one takes it over', async () => {
      await store.acquire('room:race', 'old', 1000);
      clock.advance(1001);
      const holders = Array.from({ length: 8 }, (_, i) => `p${i}`);
      const outcomes = await Promise.all(holders.map((h) => store.acquire('room:race', h, 5000)));
      expect(outcomes.filter((o) => o.acquired)).toEqual([{ acquired: true, fence: 2 }]);
    });

    test('an expired lease is taken over, with a higher fence; the old holder then cannot renew or release it', async () => {
      await store.acquire('room:a', 'p1', 1000);
      clock.advance(1001);
      expect(await store.acquire('room:a', 'p2', 1000)).toEqual({ acquired: true, fence: 2 });
      expect(await store.renew('room:a', 'p1', 1000)).toBe(false);
      await store.release('room:a', 'p1');
      expect(await store.acquire('room:a', 'p3', 1000)).toEqual({ acquired: false });
    });

    test('release by the holder frees it at once; by anyone else it changes nothing', async () => {
      await store.acquire('room:a', 'p1', 60_000);
      await store.release('room:a', 'p2');
      await store.release('room:nothing', 'p2');
      expect(await store.acquire('room:a', 'p2', 1000)).toEqual({ acquired: false });
      await store.release('room:a', 'p1');
      expect(await store.acquire('room:a', 'p2', 1000)).toEqual({ acquired: true, fence: 2 });
    });

    test('the fence grows at every acquisition, release or not', async () => {
      const fences: number[] = [];
      for (const holder of ['p1', 'p2', 'p1', 'p3']) {
        const outcome = await store.acquire('job:x', holder, 1000);
        if (outcome.acquired) fences.push(outcome.fence);
        await store.release('job:x', holder);
      }
      expect(fences).toEqual([1, 2, 3, 4]);
    });

    test('the holder acquiring again extends its lease (and gets a new fence)', async () => {
      await store.acquire('job:x', 'p1', 1000);
      clock.advance(800);
      expect(await store.acquire('job:x', 'p1', 1000)).toEqual({ acquired: true, fence: 2 });
      clock.advance(800);
      expect(await store.acquire('job:x', 'p2', 1000)).toEqual({ acquired: false });
    });

    test('renew extends the holder’s lease only', async () => {
      await store.acquire('room:a', 'p1', 1000);
      expect(await store.renew('room:a', 'p2', 5000)).toBe(false);
      clock.advance(800);
      expect(await store.renew('room:a', 'p1', 1000)).toBe(true);
      clock.advance(800);
      expect(await store.acquire('room:a', 'p2', 1000)).toEqual({ acquired: false });
      clock.advance(201);
      expect(await store.acquire('room:a', 'p2', 1000)).toEqual({ acquired: true, fence: 2 });
      expect(await store.renew('room:missing', 'p1', 1000)).toBe(false);
    });
  });
}
