import type { Logger } from '../logger.ts';

export interface PeriodicJob {
  /** Runs every `intervalMs` from now on (the first run one interval after start). */
  start(): void;
  /** Runs now unless a run is under way, in which case it answers that run: one at a time. */
  runNow(): Promise<void>;
  /** No more runs; resolves when the one under way (if any) has finished. */
  stop(): Promise<void>;
}

/**
 * A task run periodically, one run at a time in this process (a run still going when the next is
 * due is not doubled), failures logged and the schedule kept. Timers do not keep the process alive.
 * Across instances nothing is coordinated: the task itself must be safe to run on several at
 * once (reconciliation is: it records each call's end by one unique id).
 */
export function createPeriodicJob(options: {
  name: string;
  intervalMs: number;
  run: () => Promise<unknown>;
  logger?: Logger;
}): PeriodicJob {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const runNow = () => {
    running ??= options
      .run()
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
    },
  };
}
