// Builds the two Go servers the project runs against, once per machine and version.
//
// - FerretDB v1 (MongoDB wire protocol on SQLite) through our own tiny module in scripts/ferretdb/.
//   The binary name carries FerretDB's version and a hash of that module, so editing it rebuilds.
// - LiveKit server, `go install github.com/livekit/livekit-server/cmd/server@<version>`.
//
// Builds go to a temporary name and are renamed into place (atomic on one filesystem), under a lock
// file, so concurrent callers (two vitest projects, two terminals) neither corrupt nor duplicate them.

import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { fileExists, goCachePaths, hashFiles, withLock } from './cache.ts';
import { indentOutput } from './child.ts';

const execFileAsync = promisify(execFile);

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const FERRETDB_MODULE_DIR = path.join(REPO_ROOT, 'scripts', 'ferretdb');
export const LIVEKIT_MODULE = 'github.com/livekit/livekit-server';
/** Avoid v1.13.0 and v1.13.1: their go.mod has a `replace`, which `go install pkg@version` refuses. */
export const LIVEKIT_VERSION = 'v1.13.5';

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

let goBinary: Promise<string> | undefined;

/** The `go` command to use: $GO, `go` on PATH, or /usr/local/go/bin/go. Fails with one clear line. */
export function findGo(): Promise<string> {
  goBinary ??= (async () => {
    const candidates = [process.env.GO, 'go', '/usr/local/go/bin/go'].filter(
      (c): c is string => !!c,
    );
    for (const candidate of candidates) {
      try {
        await execFileAsync(candidate, ['version'], { timeout: 30_000 });
        return candidate;
      } catch {
        // try the next
      }
    }
    throw new Error(
      'Go is needed once to build FerretDB and LiveKit, and `go` was not found: install Go >= 1.24 ' +
        '(https://go.dev/dl/; LiveKit needs 1.26, which Go fetches itself unless GOTOOLCHAIN=local) and put it on PATH, or set GO=/path/to/go.',
    );
  })();
  goBinary.catch(() => {
    goBinary = undefined; // let a later call try again (e.g. after installing Go)
  });
  return goBinary;
}

/** The version FerretDB's module is pinned to in scripts/ferretdb/go.mod, e.g. "v1.24.2". */
export async function ferretDBVersion(): Promise<string> {
  const goMod = await readFile(path.join(FERRETDB_MODULE_DIR, 'go.mod'), 'utf8');
  const match = /github\.com\/FerretDB\/FerretDB\s+(v[\w.+-]+)/.exec(goMod);
  if (!match?.[1])
    throw new Error(`cannot find the FerretDB version in ${FERRETDB_MODULE_DIR}/go.mod`);
  return match[1];
}

/** Where the FerretDB binary for the current scripts/ferretdb module lives (built or not). */
export async function ferretDBBinaryPath(): Promise<{ path: string; version: string }> {
  const version = await ferretDBVersion();
  const files = ['go.mod', 'go.sum', 'main.go'].map((f) => path.join(FERRETDB_MODULE_DIR, f));
  const hash = await hashFiles(files);
  return { path: path.join(goCachePaths().gobin, `ferretdb-${version}-${hash}`), version };
}

export function liveKitBinaryPath(): string {
  return path.join(goCachePaths().gobin, `livekit-server-${LIVEKIT_VERSION}`);
}

/** Returns the path of the FerretDB binary, building it first if this machine has none for this version. */
export async function ensureFerretDB(): Promise<string> {
  const { path: binary, version } = await ferretDBBinaryPath();
  if (await fileExists(binary)) return binary;
  return ensureBuilt({
    label: `FerretDB ${version}`,
    binary,
    estimate: '~2–4 min',
    build: async (go, env, tmpDir) => {
      const out = path.join(tmpDir, 'ferretdb');
      await runGo(go, ['build', '-trimpath', '-o', out, '.'], { cwd: FERRETDB_MODULE_DIR, env });
      return out;
    },
  });
}

/** Returns the path of the LiveKit server binary, building it first if this machine has none for this version. */
export async function ensureLiveKit(): Promise<string> {
  const binary = liveKitBinaryPath();
  if (await fileExists(binary)) return binary;
  return ensureBuilt({
    label: `LiveKit server ${LIVEKIT_VERSION}`,
    binary,
    estimate: '~3–6 min',
    build: async (go, env, tmpDir) => {
      // `go install pkg@version` builds outside any module; GOBIN points at our temp dir.
      await runGo(go, ['install', '-trimpath', `${LIVEKIT_MODULE}/cmd/server@${LIVEKIT_VERSION}`], {
        cwd: tmpDir,
        env: { ...env, GOBIN: tmpDir },
      });
      const out = path.join(tmpDir, 'server');
      const { stdout } = await execFileAsync(out, ['--version'], { timeout: 30_000 });
      if (!stdout.includes(LIVEKIT_VERSION.replace(/^v/, ''))) {
        throw new Error(
          `the freshly built LiveKit server reports "${stdout.trim()}", expected ${LIVEKIT_VERSION}`,
        );
      }
      return out;
    },
  });
}

interface BuildSpec {
  label: string;
  binary: string;
  estimate: string;
  /** Builds into tmpDir and returns the built file's path. */
  build: (go: string, env: NodeJS.ProcessEnv, tmpDir: string) => Promise<string>;
}

async function ensureBuilt(spec: BuildSpec): Promise<string> {
  const go = await findGo();
  const paths = goCachePaths();
  await mkdir(paths.gobin, { recursive: true });
  return withLock(
    `${spec.binary}.lock`,
    async () => {
      // Someone else may have finished it while we waited for the lock.
      if (await fileExists(spec.binary)) return spec.binary;
      log(`building ${spec.label} (first run only, ${spec.estimate})…`);
      const started = Date.now();
      const heartbeat = setInterval(() => {
        log(`  still building ${spec.label}… ${Math.round((Date.now() - started) / 1000)} s`);
      }, 30_000);
      heartbeat.unref();
      const tmpDir = await mkdtemp(path.join(paths.gobin, `.build-${path.basename(spec.binary)}-`));
      try {
        const env: NodeJS.ProcessEnv = {
          ...process.env,
          CGO_ENABLED: '0',
          GOMODCACHE: paths.gomodcache,
          GOCACHE: paths.gocache,
          // No VCS stamping: the FerretDB module sits inside our git checkout, and git may be absent.
          GOFLAGS: `${process.env.GOFLAGS ?? ''} -buildvcs=false`.trim(),
        };
        const built = await spec.build(go, env, tmpDir);
        await rename(built, spec.binary);
      } finally {
        clearInterval(heartbeat);
        await rm(tmpDir, { recursive: true, force: true });
      }
      log(`built ${spec.label} in ${Math.round((Date.now() - started) / 1000)} s → ${spec.binary}`);
      return spec.binary;
    },
    {
      onWait: (holder) => log(`waiting for ${holder} to finish building ${spec.label}…`),
    },
  );
}

async function runGo(
  go: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<void> {
  const output: string[] = [];
  const child = spawn(go, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) {
    const tail = output.join('').split('\n').slice(-40).join('\n');
    throw new Error(
      `\`go ${args.join(' ')}\` failed (exit code ${code}) in ${options.cwd}:\n${indentOutput(tail)}`,
    );
  }
}
