import type { LeaseStore } from '../../ports/lease-store.port.ts';

/**
 * Leases in memory: one process's default (nothing else to exclude) and the fast-test store. Same
 * observable behaviour as the Mongoose adapter (the contract suite runs on both); no method awaits
 * between its check and its write, which makes each as atomic here as one update in MongoDB.
 */
export function createMemoryLeaseStore(options: { now?: () => Date } = {}): LeaseStore {
  const now = options.now ?? (() => new Date());
  const leases = new Map<string, { holder: string; fence: number; expiresAt: number }>();
  return {
    async acquire(key, holder, ttlMs) {
      const at = now().getTime();
      const lease = leases.get(key);
      if (lease && lease.holder !== holder && lease.expiresAt >= at) return { acquired: false };
      const fence = (lease?.fence ?? 0) + 1;
      leases.set(key, { holder, fence, expiresAt: at + ttlMs });
      return { acquired: true, fence };
    },

    async renew(key, holder, ttlMs) {
      const lease = leases.get(key);
      if (lease?.holder !== holder) return false;
      lease.expiresAt = now().getTime() + ttlMs;
      return true;
    },

    async release(key, holder) {
      const lease = leases.get(key);
      // Kept (expired) rather than deleted: the fence goes on growing.
      if (lease?.holder === holder) lease.expiresAt = Number.NEGATIVE_INFINITY;
    },
  };
}
