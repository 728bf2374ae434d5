// Debian packages the test run needs (Chromium for the browser tests, Redis for LiveKit's SIP API).
// Installed with apt-get when missing and we are root; otherwise one clear line says what to run.

import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const TEST_SYSTEM_PACKAGES = ['chromium', 'redis-server', 'fonts-liberation'] as const;

async function isInstalled(name: string): Promise<boolean> {
  try {
    const { stdout } = await execFileAsync('dpkg-query', ['-W', '-f=${Status}', name]);
    return stdout.includes('install ok installed');
  } catch {
    return false;
  }
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`)),
    );
  });
}

/** Installs whichever of `packages` is missing; a no-op (two dpkg queries) when all are there. */
export async function ensureSystemPackages(
  packages: readonly string[] = TEST_SYSTEM_PACKAGES,
): Promise<void> {
  const missing: string[] = [];
  for (const name of packages) if (!(await isInstalled(name))) missing.push(name);
  if (missing.length === 0) return;
  const hint = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages ${missing.join(', ')}: run \`sudo ${hint}\``);
  }
  const started = Date.now();
  process.stderr.write(
    `installing ${missing.join(', ')} with apt-get (first run only, ~1–2 min)…\n`,
  );
  await run('apt-get', ['update']);
  await run('apt-get', ['install', '-y', '--no-install-recommends', ...missing]);
  process.stderr.write(
    `installed ${missing.join(', ')} in ${Math.round((Date.now() - started) / 1000)} s\n`,
  );
}
