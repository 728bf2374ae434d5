// Starts scripts/testing/agent-worker/worker.ts as a child process for a test file and reads what it reports.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkerReport } from './worker.ts';

const WORKER_FILE = fileURLToPath(new URL('./worker.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface TestWorker {
  readonly agentName: string;
  readonly pid: number;
  /** Everything reported so far, oldest first. */
  reports(): WorkerReport[];
  /** Resolves with the first report matching `predicate`; rejects after `timeoutMs`. */
  waitFor(predicate: (report: WorkerReport) => boolean, timeoutMs?: number): Promise<WorkerReport>;
  /** What the worker printed (for failure messages). */
  output(): string;
  /** SIGTERM to the worker's process group (it and its job processes), SIGKILL after 5 s. */
  stop(): Promise<void>;
}

/**
 * Spawns the worker registered as `agentName` and waits until LiveKit has registered it — a
 * dispatch made before any worker of that name registered is never retried.
 */
export async function startTestWorker(options: {
  livekit: { url: string; apiKey: string; apiSecret: string };
  agentName: string;
  registerTimeoutMs?: number;
  /** Refuse the first this many job requests (a pool at capacity), then accept (default 0). */
  refuseJobs?: number;
}): Promise<TestWorker> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-agent-worker-'));
  const reportFile = path.join(dir, 'reports.jsonl');
  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', WORKER_FILE], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      LIVEKIT_URL: options.livekit.url,
      LIVEKIT_API_KEY: options.livekit.apiKey,
      LIVEKIT_API_SECRET: options.livekit.apiSecret,
      AGENT_NAME: options.agentName,
      WORKER_REPORT_FILE: reportFile,
      WORKER_REFUSE_JOBS: String(options.refuseJobs ?? 0),
    },
    // Its own process group, so that stop() also reaches the job processes it forks.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const reports = (): WorkerReport[] => {
    let text = '';
    try {
      text = readFileSync(reportFile, 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as WorkerReport);
  };

  const worker: TestWorker = {
    agentName: options.agentName,
    pid: child.pid ?? -1,
    reports,
    output: () => output,
    async waitFor(predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = reports().find(predicate);
        if (found) return found;
        if (hasExited) throw new Error(`the test agent worker exited. Its output:\n${output}`);
        if (Date.now() > deadline) {
          throw new Error(
            `the test agent worker reported nothing matching within ${timeoutMs} ms. Reports: ${JSON.stringify(reports())}\nIts output:\n${output}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      const pid = child.pid;
      if (pid !== undefined && !hasExited) {
        signalGroup(pid, 'SIGTERM');
        const killed = await Promise.race([
          exited.then(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5000)),
        ]);
        if (!killed) {
          signalGroup(pid, 'SIGKILL');
          await exited;
        }
      }
      // Job processes may outlive the worker for a moment: end the group for good.
      if (pid !== undefined) signalGroup(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    await worker.waitFor(
      (report) => report.event === 'registered',
      options.registerTimeoutMs ?? 60_000,
    );
  } catch (error) {
    await worker.stop();
    throw error;
  }
  return worker;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}
