/**
 * Token buckets in this process's memory, one per key: each holds up to `perMinute` tokens and
 * refills at `perMinute` per minute. State is per process: behind several server instances each
 * allows its own `perMinute` (a shared store such as Redis would be needed for one global rate);
 * a restart refills every bucket.
 */
export interface RateLimiter {
  /**
   * Takes one token from every bucket named, or none: when a bucket is empty nothing is taken and
   * the answer says which limit (its `perMinute`) and when to retry (whole seconds, at least 1).
   */
  take(
    buckets: readonly { key: string; perMinute: number }[],
  ): { ok: true } | { ok: false; retryAfterSeconds: number; limit: number };
}

/** Above this many buckets, full ones (which say nothing a fresh bucket would not) are dropped. */
const SWEEP_ABOVE = 10_000;

export function createRateLimiter(options: { now: () => number }): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number; perMinute: number }>();

  const level = (key: string, perMinute: number, now: number) => {
    const bucket = buckets.get(key);
    if (!bucket) return perMinute;
    const refilled = (Math.max(0, now - bucket.at) * perMinute) / 60_000;
    return Math.min(perMinute, bucket.tokens + refilled);
  };

  /** A full bucket says nothing a missing one would not: dropped once there are many. */
  const sweep = (now: number) => {
    if (buckets.size <= SWEEP_ABOVE) return;
    for (const [key, bucket] of buckets) {
      if (level(key, bucket.perMinute, now) >= bucket.perMinute) buckets.delete(key);
    }
  };

  return {
    take(wanted) {
      const now = options.now();
      let refusal: { retryAfterSeconds: number; limit: number } | undefined;
      for (const { key, perMinute } of wanted) {
        const tokens = level(key, perMinute, now);
        if (tokens >= 1) continue;
        const waitMs = ((1 - tokens) * 60_000) / perMinute;
        const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
        if (!refusal || retryAfterSeconds > refusal.retryAfterSeconds) {
          refusal = { retryAfterSeconds, limit: perMinute };
        }
      }
      if (refusal) return { ok: false, ...refusal };
      for (const { key, perMinute } of wanted) {
        buckets.set(key, { tokens: level(key, perMinute, now) - 1, at: now, perMinute });
      }
      sweep(now);
      return { ok: true };
    },
  };
}
