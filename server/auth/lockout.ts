/**
 * Per-account sign-in lock-out, the half better-auth does not have (it limits per client address
 * only): after `maxFailures` wrong passwords in a row an e-mail is locked for `baseLockSeconds`,
 * doubling with each further lock up to `maxLockSeconds`; a successful sign-in clears it. Kept in
 * this process's memory (bounded): several server instances each count their own attempts.
 */
export interface SignInLockout {
  /** Seconds the e-mail stays locked; 0 when it may try. */
  lockedFor(email: string): number;
  failed(email: string): void;
  succeeded(email: string): void;
}

interface Entry {
  failures: number;
  locks: number;
  lockedUntil: number;
}

export function createSignInLockout(
  options: {
    maxFailures?: number;
    baseLockSeconds?: number;
    maxLockSeconds?: number;
    /** Oldest entries are dropped beyond this many e-mails. */
    maxEntries?: number;
    now?: () => number;
  } = {},
): SignInLockout {
  const maxFailures = options.maxFailures ?? 5;
  const baseLock = options.baseLockSeconds ?? 60;
  const maxLock = options.maxLockSeconds ?? 15 * 60;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  return {
    lockedFor(email) {
      const entry = entries.get(email);
      if (!entry) return 0;
      return Math.max(0, Math.ceil((entry.lockedUntil - now()) / 1000));
    },
    failed(email) {
      if (email === '') return;
      const entry = entries.get(email) ?? { failures: 0, locks: 0, lockedUntil: 0 };
      entries.delete(email); // re-inserted last: the map stays in least-recently-failed order
      entry.failures += 1;
      if (entry.failures >= maxFailures) {
        entry.failures = 0;
        entry.lockedUntil = now() + Math.min(maxLock, baseLock * 2 ** entry.locks) * 1000;
        entry.locks += 1;
      }
      entries.set(email, entry);
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
    },
    succeeded(email) {
      entries.delete(email);
    },
  };
}
