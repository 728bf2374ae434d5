import { afterEach, describe, expect, test, vi } from 'vitest';
import { createMemoryLeaseStore } from '../adapters/memory/lease-store.memory.ts';
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

  test('with a lease, one instance at a time runs it; stopping hands it over', async () => {
    let time = Date.UTC(2026, 0, 1);
    const store = createMemoryLeaseStore({ now: () => new Date(time) });
    const lease = { store, key: 'job:test', ttlMs: 2500 };
    const runs: string[] = [];
    const job = (name: string) =>
      createPeriodicJob({
        name,
        intervalMs: 1000,
        lease,
        run: async () => {
          runs.push(name);
        },
      });
    const a = job('a');
    const b = job('b');
    await a.runNow();
    await b.runNow();
    time += 1000;
    await b.runNow();
    await a.runNow();
    expect(runs).toEqual(['a', 'a']);
    await a.stop();
    await b.runNow();
    expect(runs).toEqual(['a', 'a', 'b']);
    await b.stop();
  });

  test('with a lease, a holder that died is taken over once its lease expires', async () => {
    let time = Date.UTC(2026, 0, 1);
    const store = createMemoryLeaseStore({ now: () => new Date(time) });
    const lease = { store, key: 'job:test', ttlMs: 2500 };
    const runs: string[] = [];
    const job = (name: string) =>
      createPeriodicJob({ name, intervalMs: 1000, lease, run: async () => runs.push(name) });
    await job('dies').runNow();
    const b = job('b');
    time += 2500;
    await b.runNow();
    time += 1;
    await b.runNow();
    expect(runs).toEqual(['dies', 'b']);
    await b.stop();
  });

  test('a lease store that fails is logged like a failed run, and the task does not run', async () => {
    const logger = createMemoryLogger();
    const store = createMemoryLeaseStore();
    const run = vi.fn(async () => undefined);
    const job = createPeriodicJob({
      name: 'reconcile',
      intervalMs: 1000,
      lease: {
        store: { ...store, acquire: () => Promise.reject(new Error('database down')) },
        key: 'job:test',
        ttlMs: 2500,
      },
      run,
      logger,
    });
    await job.runNow();
    expect(run).not.toHaveBeenCalled();
    expect(logger.lines.filter((line) => line.includes('reconcile failed'))).toHaveLength(1);
    await job.stop();
  });
});
