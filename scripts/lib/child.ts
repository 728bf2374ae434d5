// Child processes that do not outlive us.
//
// - On Linux, children are started through util-linux `setpriv --pdeathsig TERM`, which sets the
//   kernel's parent-death signal and then execs the program (same PID): even if this process is
//   SIGKILLed, the child gets SIGTERM. (The signal fires when the spawning *thread* ends; we spawn from
//   the main thread.)
// - On normal exit (including process.exit), every live child gets SIGTERM and its temp dirs are removed.
// - On SIGINT/SIGTERM/SIGHUP, if nobody else handles the signal, we do the same and then re-raise it so
//   the process still dies the default way. If the program has its own handler, that handler is in
//   charge (and the exit hook above still runs when it exits).

import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the program could not be started at all (e.g. ENOENT). */
  error?: Error;
}

export interface SpawnManagedOptions {
  /** Human name for messages: "FerretDB", "LiveKit", "[api]"... */
  name: string;
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Receives each line of stdout and stderr (without the newline) as it arrives. */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
  /**
   * Start the child in its own process group and signal the whole group on stop. Use for programs
   * that start their own children (tsx watch, vite). It also keeps a terminal's Ctrl-C from reaching
   * the child directly, so the parent decides the shutdown order.
   */
  processGroup?: boolean;
  /** Synchronous clean-up (e.g. removing a temp dir), run once after the child is gone or at exit. */
  cleanup?: () => void;
  /** Lines of output kept for error messages (default 200). */
  keepLines?: number;
}

export interface ManagedChild {
  readonly name: string;
  readonly pid: number;
  /** Resolves when the child has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  /** Undefined while the child runs. */
  readonly exitInfo: ExitInfo | undefined;
  /** The last `lines` lines of combined stdout+stderr. */
  outputTail(lines?: number): string;
  /**
   * SIGTERM, then after `graceMs` a second SIGTERM (LiveKit treats a second signal as "force"), then
   * SIGKILL after a further 3 s. Runs the clean-up. Safe to call more than once.
   */
  stop(graceMs?: number): Promise<ExitInfo>;
}

const live = new Set<LiveChild>();
let hooksInstalled = false;
let setprivPath: string | null | undefined;

interface LiveChild {
  child: ChildProcess;
  processGroup: boolean;
  runCleanup: () => void;
}

function findSetpriv(): string | null {
  if (setprivPath !== undefined) return setprivPath;
  setprivPath = null;
  if (process.platform === 'linux' && process.env.SWITCHBOARD_NO_PDEATHSIG !== '1') {
    for (const candidate of ['/usr/bin/setpriv', '/bin/setpriv', '/usr/sbin/setpriv']) {
      if (existsSync(candidate)) {
        setprivPath = candidate;
        break;
      }
    }
  }
  return setprivPath;
}

function signalChild(
  entry: { child: ChildProcess; processGroup: boolean },
  signal: NodeJS.Signals,
): void {
  const pid = entry.child.pid;
  if (pid === undefined) return;
  try {
    if (entry.processGroup) process.kill(-pid, signal);
    else process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function terminateAllSync(): void {
  for (const entry of live) {
    signalChild(entry, 'SIGTERM');
    entry.runCleanup();
  }
  live.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', terminateAllSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      if (process.listenerCount(signal) > 1) return; // the program handles it; the exit hook covers us
      terminateAllSync();
      process.off(signal, handler);
      process.kill(process.pid, signal);
    };
    process.on(signal, handler);
  }
}

export function spawnManaged(options: SpawnManagedOptions): ManagedChild {
  installHooks();
  const keepLines = options.keepLines ?? 200;
  const tail: string[] = [];
  const processGroup = options.processGroup ?? false;

  const setpriv = findSetpriv();
  const [command, args] = setpriv
    ? [setpriv, ['--pdeathsig', 'TERM', '--', options.command, ...options.args]]
    : [options.command, [...options.args]];

  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: processGroup,
  });

  let cleaned = false;
  const runCleanup = (): void => {
    if (cleaned) return;
    cleaned = true;
    try {
      options.cleanup?.();
    } catch {
      // best effort
    }
  };
  const entry: LiveChild = { child, processGroup, runCleanup };
  live.add(entry);

  const remember = (line: string, stream: 'stdout' | 'stderr'): void => {
    tail.push(line);
    if (tail.length > keepLines) tail.shift();
    options.onOutput?.(line, stream);
  };
  for (const stream of ['stdout', 'stderr'] as const) {
    let partial = '';
    const readable = child[stream];
    readable?.setEncoding('utf8');
    readable?.on('data', (chunk: string) => {
      partial += chunk;
      const lines = partial.split(/\r?\n/);
      partial = lines.pop() ?? '';
      for (const line of lines) remember(line, stream);
    });
    readable?.on('end', () => {
      if (partial) remember(partial, stream);
      partial = '';
    });
  }

  let exitInfo: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.on('error', (error) => {
      // Spawn failures (ENOENT, EACCES) never produce 'exit'.
      if (child.pid === undefined && !exitInfo) {
        exitInfo = { code: null, signal: null, error };
        live.delete(entry);
        resolve(exitInfo);
      }
    });
    // 'close' (not 'exit') so the output tail is complete when we report.
    child.once('close', (code, signal) => {
      if (exitInfo) return;
      exitInfo = { code, signal };
      live.delete(entry);
      resolve(exitInfo);
    });
  });

  let stopping: Promise<ExitInfo> | undefined;
  const stop = (graceMs = 5000): Promise<ExitInfo> => {
    stopping ??= (async () => {
      if (!exitInfo) {
        signalChild(entry, 'SIGTERM');
        const steps: Array<[number, NodeJS.Signals]> = [
          [graceMs, 'SIGTERM'],
          [3000, 'SIGKILL'],
        ];
        for (const [waitMs, signal] of steps) {
          const done = await Promise.race([
            exited.then(() => true),
            delay(waitMs).then(() => false),
          ]);
          if (done) break;
          signalChild(entry, signal);
        }
      }
      const info = await exited;
      runCleanup();
      return info;
    })();
    return stopping;
  };

  return {
    name: options.name,
    pid: child.pid ?? -1,
    exited,
    get exitInfo() {
      return exitInfo;
    },
    outputTail(lines = 30) {
      return tail.slice(-lines).join('\n');
    },
    stop,
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });
}

export function describeExit(info: ExitInfo): string {
  if (info.error) return `could not be started: ${info.error.message}`;
  if (info.signal) return `was killed by ${info.signal}`;
  return `exited with code ${info.code}`;
}

/** Indents a block of program output for inclusion in an error message. */
export function indentOutput(text: string): string {
  const trimmed = text.trimEnd();
  if (!trimmed) return '    (no output)';
  return trimmed
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

/** The full path of an executable: `name` itself if it contains a slash, else the first match on PATH. */
export function findExecutable(name: string): string | null {
  const candidates = name.includes('/')
    ? [name]
    : (process.env.PATH ?? '')
        .split(path.delimiter)
        .filter(Boolean)
        .map((dir) => path.join(dir, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}
