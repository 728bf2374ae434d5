import { afterEach, describe, expect, test, vi } from 'vitest';
import { createMemoryLogger } from '../logger.ts';
import { createPeriodicJob } from './periodic-job.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** A run that finishes when the test says so. */
function controllableRun() {
  const finishers: (() => void)[] = [];
  const run = vi.fn(
    () =>
      new Promise<void>((resolve) => {
        finishers.push(resolve);
      }),
  );
  return { run, finishAll: () => finishers.splice(0).forEach((finish) => finish()) };
}

describe('periodic job', () => {
  test('one run at a time: runNow during a run answers that run', async () => {
    const { run, finishAll } = controllableRun();
    const job = createPeriodicJob({ name: 'test', intervalMs: 1000, run });
    const first = job.runNow();
    const second = job.runNow();
    expect(run).toHaveBeenCalledTimes(1);
    finishAll();
    await Promise.all([first, second]);
    const third = job.runNow();
    expect(run).toHaveBeenCalledTimes(2);
    finishAll();
    await third;
  });

  test('runs every interval; a run still going when the next is due is not doubled', async () => {
    vi.useFakeTimers();
    const { run, finishAll } = controllableRun();
    const job = createPeriodicJob({ name: 'test', intervalMs: 1000, run });
    job.start();
    await vi.advanceTimersByTimeAsync(999);
    expect(run).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(run).toHaveBeenCalledTimes(1);
    finishAll();
    await vi.advanceTimersByTimeAsync(1000);
    expect(run).toHaveBeenCalledTimes(2);
    finishAll();
    await job.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(run).toHaveBeenCalledTimes(2);
  });

  test('a failed run is logged and the schedule goes on', async () => {
    vi.useFakeTimers();
    const logger = createMemoryLogger();
    const run = vi.fn(() => Promise.reject(new Error('LiveKit down')));
    const job = createPeriodicJob({ name: 'reconcile', intervalMs: 100, run, logger });
    job.start();
    await vi.advanceTimersByTimeAsync(300);
    expect(run).toHaveBeenCalledTimes(3);
    expect(logger.lines.filter((line) => line.includes('reconcile failed'))).toHaveLength(3);
    await job.stop();
  });

  test('stop waits for the run under way', async () => {
    const { run, finishAll } = controllableRun();
    const job = createPeriodicJob({ name: 'test', intervalMs: 1000, run });
    void job.runNow();
    let stopped = false;
    const stopping = job.stop().then(() => {
      stopped = true;
    });
    await Promise.resolve();
    expect(stopped).toBe(false);
    finishAll();
    await stopping;
    expect(stopped).toBe(true);
  });
});
