// For long-running scripts (npm run services, npm run dev): prefixed child output, a clean stop on
// Ctrl-C/SIGTERM, and a loud stop when a child dies on its own.

import { describeExit, type ExitInfo } from './child.ts';

const useColor = process.stderr.isTTY && !process.env.NO_COLOR;
const COLORS: Record<string, string> = {
  api: '36', // cyan
  web: '35', // magenta
  db: '32', // green
  livekit: '33', // yellow
};

function paint(code: string, text: string): string {
  return useColor ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** Returns a function that prints a child's line as `[label] line`. */
export function prefixed(
  label: string,
  stream: NodeJS.WriteStream = process.stdout,
): (line: string) => void {
  const prefix = paint(COLORS[label] ?? '1', `[${label}]`);
  return (line) => {
    stream.write(`${prefix} ${line}\n`);
  };
}

export function note(message: string): void {
  process.stderr.write(`${paint('1', message)}\n`);
}

export function shout(message: string): void {
  const bar = '!'.repeat(Math.min(100, Math.max(20, message.length)));
  process.stderr.write(`\n${paint('1;31', `${bar}\n${message}\n${bar}`)}\n\n`);
}

export interface Watched {
  label: string;
  exited: Promise<ExitInfo>;
}

/**
 * Runs until a signal (then `stop()`, exit 0) or until a watched child exits by itself (then a loud
 * message, `stop()`, exit 1). A second Ctrl-C during the stop exits at once (children still get SIGTERM
 * from the exit hook and their parent-death signal).
 */
export function runUntilStopped(
  watched: readonly Watched[],
  stop: () => Promise<void>,
): Promise<never> {
  let stopping = false;

  const shutdown = async (exitCode: number): Promise<never> => {
    try {
      await stop();
    } catch (error) {
      process.stderr.write(`error while stopping: ${(error as Error).message}\n`);
      exitCode = 1;
    }
    process.exit(exitCode);
  };

  return new Promise<never>(() => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => {
        if (stopping) {
          note(`${signal} again: exiting now`);
          process.exit(1);
        }
        stopping = true;
        note(`\n${signal}: stopping… (again to force)`);
        void shutdown(0);
      });
    }
    for (const child of watched) {
      void child.exited.then((info) => {
        if (stopping) return;
        // Give a signal that reached the whole process group a moment to be seen first.
        setTimeout(() => {
          if (stopping) return;
          stopping = true;
          shout(`[${child.label}] ${describeExit(info)} unexpectedly: stopping everything.`);
          void shutdown(1);
        }, 300);
      });
    }
  });
}
