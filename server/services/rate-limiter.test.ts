import { describe, expect, test } from 'vitest';
import { createRateLimiter } from './rate-limiter.ts';

function build() {
  let now = 1_000_000;
  const limiter = createRateLimiter({ now: () => now });
  return {
    limiter,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('token buckets', () => {
  test('a full bucket allows perMinute at once, then refuses with the wait for one token', () => {
    const { limiter } = build();
    const bucket = [{ key: 'ws:a', perMinute: 3 }];
    expect([1, 2, 3].map(() => limiter.take(bucket).ok)).toEqual([true, true, true]);
    // One token comes back every 20 s at 3 per minute.
    expect(limiter.take(bucket)).toEqual({ ok: false, retryAfterSeconds: 20, limit: 3 });
  });

  test('tokens come back at perMinute per minute, never above perMinute', () => {
    const { limiter, advance } = build();
    const bucket = [{ key: 'ws:a', perMinute: 60 }];
    for (let i = 0; i < 60; i++) limiter.take(bucket);
    expect(limiter.take(bucket)).toMatchObject({ ok: false, retryAfterSeconds: 1 });
    advance(999);
    expect(limiter.take(bucket).ok).toBe(false);
    advance(1);
    expect(limiter.take(bucket).ok).toBe(true);
    expect(limiter.take(bucket).ok).toBe(false);
    advance(10 * 60_000);
    const taken = Array.from({ length: 61 }, () => limiter.take(bucket).ok);
    expect(taken.filter(Boolean)).toHaveLength(60);
  });

  test('the retry time rounds up to whole seconds, at least 1', () => {
    const { limiter, advance } = build();
    const bucket = [{ key: 'k', perMinute: 1 }];
    limiter.take(bucket);
    advance(59_500);
    expect(limiter.take(bucket)).toEqual({ ok: false, retryAfterSeconds: 1, limit: 1 });
    advance(-59_000);
    expect(limiter.take(bucket)).toEqual({ ok: false, retryAfterSeconds: 60, limit: 1 });
  });

  test('keys are separate buckets', () => {
    const { limiter } = build();
    expect(limiter.take([{ key: 'ws:a', perMinute: 1 }]).ok).toBe(true);
    expect(limiter.take([{ key: 'ws:a', perMinute: 1 }]).ok).toBe(false);
    expect(limiter.take([{ key: 'ws:b', perMinute: 1 }]).ok).toBe(true);
  });

  test('several buckets: all or nothing is taken; the refusal names the longest wait', () => {
    const { limiter } = build();
    const workspace = { key: 'ws:a', perMinute: 2 };
    const key = { key: 'key:k', perMinute: 1 };
    expect(limiter.take([workspace, key]).ok).toBe(true);
    // The key's bucket is empty: nothing is taken from the workspace's either.
    expect(limiter.take([workspace, key])).toEqual({ ok: false, retryAfterSeconds: 60, limit: 1 });
    expect(limiter.take([workspace]).ok).toBe(true);
    expect(limiter.take([workspace, key])).toEqual({ ok: false, retryAfterSeconds: 60, limit: 1 });
    expect(limiter.take([workspace])).toEqual({ ok: false, retryAfterSeconds: 30, limit: 2 });
  });
});
