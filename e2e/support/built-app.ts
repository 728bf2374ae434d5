// The built app as `npm start` runs it, for the browser tests.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnManaged, type ManagedChild } from '../../scripts/lib/child.ts';
import { freeTcpPort, LOOPBACK } from '../../scripts/lib/ports.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVER_ENTRY = path.join(REPO_ROOT, 'dist/node/server/main.js');
const CLIENT_INDEX = path.join(REPO_ROOT, 'dist/client/index.html');

/** Throws, saying what to run, unless both the server and the SPA have been built. */
export function assertBuilt(): void {
  const missing = [SERVER_ENTRY, CLIENT_INDEX].filter((file) => !existsSync(file));
  if (missing.length > 0) {
    const names = missing.map((file) => path.relative(REPO_ROOT, file)).join(' and ');
    throw new Error(
      `The browser tests run against the built app, and ${names} ${missing.length === 1 ? 'is' : 'are'} missing: run \`npm run build\` first.`,
    );
  }
}

export interface BuiltApp {
  baseUrl: string;
  pid: number;
  child: ManagedChild;
  stop(): Promise<void>;
}

/** `node dist/node/server/main.js` (what `npm start` runs) on a free port; resolves once /readyz says ready. */
export async function startBuiltApp(
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<BuiltApp> {
  const port = await freeTcpPort();
  const baseUrl = `http://${LOOPBACK}:${port}`;
  const child = spawnManaged({
    name: '[app]',
    command: process.execPath,
    args: [SERVER_ENTRY],
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      HOST: LOOPBACK,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ...env,
    },
  });
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    if (child.exitInfo) {
      throw new Error(
        `The built app exited before it was ready. Its output:\n${child.outputTail()}`,
      );
    }
    try {
      const response = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(3000) });
      if (response.ok) break;
      last = `/readyz answered ${response.status}: ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline) {
      await child.stop();
      throw new Error(
        `The built app was not ready within ${timeoutMs} ms (${last}). Its output:\n${child.outputTail()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  return {
    baseUrl,
    pid: child.pid,
    child,
    stop: async () => {
      await child.stop();
    },
  };
}
