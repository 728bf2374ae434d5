// npm run dev — the services (as `npm run services`), the API with hot reload and the Vite dev server,
// with each one's output prefixed ([db], [livekit], [api], [web]), until Ctrl-C.
//
// Services already running elsewhere are used instead of starting ours: set MONGODB_URI, and/or
// LIVEKIT_URL with LIVEKIT_API_KEY and LIVEKIT_API_SECRET.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeExit, spawnManaged, type ManagedChild } from './lib/child.ts';
import { devWebhookUrl, startDevServices, type DevServices } from './lib/dev-services.ts';
import { REPO_ROOT } from './lib/install.ts';
import { canConnect, isTcpPortFree } from './lib/ports.ts';
import { note, prefixed, runUntilStopped, type Watched } from './lib/supervise.ts';

const WEB_PORT = 5173; // vite.config.ts: server.port with strictPort

function bin(name: string): string {
  return path.join(REPO_ROOT, 'node_modules', '.bin', name);
}

/** True when `url` answers 2xx within a second. */
async function httpAnswers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

/**
 * Polls `probe` until the child answers. A child that exits first is an error; one that is slow
 * (or waiting, under tsx watch, for a fix to a start-up error) gets a reminder every 15 s, and
 * Ctrl-C still stops everything.
 */
async function waitUntilAnswering(
  child: ManagedChild,
  where: string,
  probe: () => Promise<boolean>,
): Promise<void> {
  const started = Date.now();
  let remindAt = started + 15_000;
  for (;;) {
    if (child.exitInfo) {
      throw new Error(`${child.name} ${describeExit(child.exitInfo)} before answering ${where}`);
    }
    if (await probe()) return;
    if (Date.now() >= remindAt) {
      note(
        `[${child.name}] still no answer from ${where} after ${Math.round((Date.now() - started) / 1000)} s (its output is above)`,
      );
      remindAt += 15_000;
    }
    await Promise.race([child.exited, new Promise((resolve) => setTimeout(resolve, 200))]);
  }
}

/** A random AUTH_SECRET made once and kept in .data/auth-secret (development only). */
function developmentAuthSecret(): string {
  const file = path.join(REPO_ROOT, '.data', 'auth-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

let services: DevServices | undefined;
const apps: ManagedChild[] = [];

const stopAll = async (): Promise<void> => {
  // The apps first (they hold connections to the services), then the services.
  await Promise.all(apps.map((child) => child.stop()));
  await services?.stop();
};

try {
  const givenLiveKit = [
    process.env.LIVEKIT_URL,
    process.env.LIVEKIT_API_KEY,
    process.env.LIVEKIT_API_SECRET,
  ];
  const useOwnLiveKit = !process.env.LIVEKIT_URL;
  if (!useOwnLiveKit && givenLiveKit.some((v) => !v)) {
    throw new Error(
      'LIVEKIT_URL is set: set LIVEKIT_API_KEY and LIVEKIT_API_SECRET too (or unset it to use a local LiveKit)',
    );
  }
  const useOwnMongo = !process.env.MONGODB_URI;

  const apiPort = process.env.PORT || '4000';
  for (const [port, what] of [
    [Number(apiPort), 'the API (PORT)'],
    [WEB_PORT, 'the Vite dev server'],
  ] as const) {
    if (!(await isTcpPortFree(port))) {
      throw new Error(
        `127.0.0.1:${port} for ${what} is taken: is \`npm run dev\` already running?`,
      );
    }
  }

  const printDb = prefixed('db');
  const printLiveKit = prefixed('livekit');
  const printRedis = prefixed('redis');
  services = await startDevServices({
    mongo: useOwnMongo,
    livekit: useOwnLiveKit,
    webhookUrl: devWebhookUrl(apiPort),
    existing: {
      MONGODB_URI: process.env.MONGODB_URI,
      LIVEKIT_URL: process.env.LIVEKIT_URL,
      LIVEKIT_API_KEY: process.env.LIVEKIT_API_KEY,
      LIVEKIT_API_SECRET: process.env.LIVEKIT_API_SECRET,
    },
    onOutput: (service, line) =>
      (service === 'db' ? printDb : service === 'redis' ? printRedis : printLiveKit)(line),
  });
  const { ferretdb, livekit } = services;
  note(
    ferretdb
      ? `[db] FerretDB ready at ${ferretdb.uri} (data in ${ferretdb.dataDir})`
      : `[db] using MONGODB_URI from the environment`,
  );
  note(
    livekit
      ? `[livekit] LiveKit ready at ${livekit.url}`
      : `[livekit] using LIVEKIT_URL=${process.env.LIVEKIT_URL}`,
  );

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...services.env,
    AGENT_NAME: process.env.AGENT_NAME || 'switchboard-agent',
    PORT: apiPort,
    HOST: '127.0.0.1',
    NODE_ENV: 'development',
    // Signs you in as the development owner (only on loopback; DEV_SIGN_IN=false to try sign-in).
    DEV_SIGN_IN: process.env.DEV_SIGN_IN || 'true',
    // Kept in .data/ so sessions survive the API's restarts on every edit.
    AUTH_SECRET: process.env.AUTH_SECRET || developmentAuthSecret(),
    ...(process.stdout.isTTY && !process.env.NO_COLOR ? { FORCE_COLOR: '1' } : {}),
  };

  // Own process groups: Ctrl-C reaches only us, and stop() also ends their children (tsx's node, esbuild).
  // The API first, and Vite only once the API answers: Vite proxies /trpc to it, and logs
  // ECONNREFUSED for every request that arrives before it listens.
  const api = spawnManaged({
    name: 'api',
    command: bin('tsx'),
    args: ['watch', '--clear-screen=false', 'server/main.ts'],
    cwd: REPO_ROOT,
    env,
    processGroup: true,
    onOutput: prefixed('api'),
  });
  apps.push(api);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  await waitUntilAnswering(api, `${apiUrl}/healthz`, () => httpAnswers(`${apiUrl}/healthz`));
  note(`API on ${apiUrl}`);

  const web = spawnManaged({
    name: 'web',
    command: bin('vite'),
    args: [],
    cwd: REPO_ROOT,
    env,
    processGroup: true,
    onOutput: prefixed('web'),
  });
  apps.push(web);
  const webUrl = `http://127.0.0.1:${WEB_PORT}`;
  await waitUntilAnswering(web, webUrl, () => canConnect(WEB_PORT));
  note(`web on ${webUrl} (Ctrl-C stops everything)`);

  const watched: Watched[] = apps.map((child) => ({ label: child.name, exited: child.exited }));
  if (ferretdb) watched.push({ label: 'db', exited: ferretdb.exited });
  if (livekit) watched.push({ label: 'livekit', exited: livekit.exited });
  await runUntilStopped(watched, stopAll);
} catch (error) {
  process.stderr.write(`npm run dev: ${(error as Error).message}\n`);
  await stopAll().catch(() => undefined);
  process.exit(1);
}
