import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.ts';
import type { LeaseStore } from '../ports/lease-store.port.ts';

export interface PeriodicJob {
  /** Runs every `intervalMs` from now on (the first run one interval after start). */
  start(): void;
  /**
   * Runs now unless a run is under way, in which case it answers that run: one at a time. With a
   * lease, only while holding it (held by another instance: this run is skipped).
   */
  runNow(): Promise<void>;
  /** No more runs; resolves when the one under way (if any) has finished. */
  stop(): Promise<void>;
}

/**
 * A task run periodically, one run at a time in this process (a run still going when the next is
 * due is not doubled), failures logged and the schedule kept. Timers do not keep the process alive.
 *
 * Across instances, `lease` (TTL longer than the interval) makes one instance at a time run it:
 * each run first acquires the lease, which the holder keeps (its next run extends it) and others
 * cannot get, so they skip; when the holder stops (`stop()` releases) or dies (the lease expires),
 * another instance's next run takes over. A holder whose run overruns the TTL may overlap with the
 * next holder's: the task must still be safe to run twice (reconciliation is: it records each
 * call's end by one unique id).
 */
export function createPeriodicJob(options: {
  name: string;
  intervalMs: number;
  run: () => Promise<unknown>;
  lease?: { store: LeaseStore; key: string; ttlMs: number };
  logger?: Logger;
}): PeriodicJob {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const { lease } = options;
  const holder = randomUUID();

  /** Runs the task if this instance holds (or gets) the lease; false when another holds it. */
  const runHeld = async (): Promise<unknown> => {
    if (lease && !(await lease.store.acquire(lease.key, holder, lease.ttlMs)).acquired) {
      options.logger?.debug(`${options.name} skipped: another instance runs it`, {
        lease: lease.key,
      });
      return;
    }
    return options.run();
  };

  const runNow = () => {
    running ??= runHeld()
      .then(
        () => undefined,
        (error: unknown) => options.logger?.error(`${options.name} failed`, { error }),
      )
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      void runNow().finally(schedule);
    }, options.intervalMs);
    timer.unref();
  };

  return {
    start() {
      stopped = false;
      if (!timer) schedule();
    },
    runNow,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await running;
      // Handed over at once rather than after the TTL.
      if (lease) {
        await lease.store.release(lease.key, holder).catch((error: unknown) => {
          options.logger?.warn(`${options.name}: could not release its lease`, { error });
        });
      }
    },
  };
}
