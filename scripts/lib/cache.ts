// Where built tools live between runs, and a small cross-process lock for building them.
//
// Everything goes under ${SWITCHBOARD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/switchboard}, outside the
// repository, so a second checkout or a fresh clone on the same machine reuses the binaries.

import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface GoCachePaths {
  /** Finished binaries, named by version: `livekit-server-v1.13.5`, `ferretdb-v1.24.2-<hash>`. */
  gobin: string;
  gomodcache: string;
  gocache: string;
}

export function cacheDir(): string {
  const explicit = process.env.SWITCHBOARD_CACHE;
  if (explicit) return path.resolve(explicit);
  const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(xdg, 'switchboard');
}

export function goCachePaths(): GoCachePaths {
  const root = cacheDir();
  return {
    gobin: path.join(root, 'gobin'),
    gomodcache: path.join(root, 'gomodcache'),
    gocache: path.join(root, 'gocache'),
  };
}

/** A short, stable hash of some files' contents (in the order given), for naming cached builds. */
export async function hashFiles(files: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(path.basename(file));
    hash.update('\0');
    hash.update(await readFile(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

export async function fileExists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface LockOptions {
  /** Called once if another process holds the lock and we have to wait for it. */
  onWait?: (holder: string) => void;
  /** Give up waiting after this long (default 30 min: a cold LiveKit build on a slow machine). */
  timeoutMs?: number;
  /** A lock file older than this is considered abandoned even if its PID is alive (PID reuse). */
  staleMs?: number;
}

/**
 * Runs `fn` while holding an exclusive lock file (created with O_EXCL). A lock whose owner process is
 * gone, or which is older than `staleMs`, is taken over.
 *
 * The lock only avoids duplicate work: builds also write to a temporary name and rename into place,
 * so even two holders at once (a lost race on a stale lock) cannot leave a half-written binary.
 */
export async function withLock<T>(
  lockFile: string,
  fn: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  const staleMs = options.staleMs ?? 60 * 60_000;
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  await mkdir(path.dirname(lockFile), { recursive: true });

  for (;;) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(`${process.pid}\n${os.hostname()}\n${new Date().toISOString()}\n`);
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }

    let holder = '';
    let mtimeMs = Date.now();
    try {
      holder = await readFile(lockFile, 'utf8');
      mtimeMs = (await stat(lockFile)).mtimeMs;
    } catch {
      continue; // released between our open and our read: try again at once
    }
    const [pidText = '', host = ''] = holder.split('\n');
    const pid = Number.parseInt(pidText, 10);
    const sameHost = host === os.hostname();
    const abandoned =
      Date.now() - mtimeMs > staleMs ||
      (sameHost && Number.isInteger(pid) && pid > 0 && !isProcessAlive(pid));
    if (abandoned) {
      await rm(lockFile, { force: true });
      continue;
    }
    if (!announced) {
      announced = true;
      options.onWait?.(Number.isInteger(pid) ? `process ${pid}` : 'another process');
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${Math.round(timeoutMs / 1000)} s waiting for the lock ${lockFile}`,
      );
    }
    await sleep(500);
  }

  // If the process exits mid-build (process.exit, an uncaught error), don't leave the lock behind.
  // A lock left by a killed process is detected as abandoned by the next caller anyway.
  const releaseOnExit = (): void => {
    rmSync(lockFile, { force: true });
  };
  process.once('exit', releaseOnExit);
  try {
    return await fn();
  } finally {
    process.off('exit', releaseOnExit);
    await rm(lockFile, { force: true });
  }
}
