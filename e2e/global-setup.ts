// Vitest globalSetup for the browser tests: the BUILT app (`npm start`, NODE_ENV=production) on a
// free loopback port, backed by real services — a MongoDB-wire database (FerretDB, or
// $TEST_MONGODB_URI) and a LiveKit server (or $TEST_LIVEKIT_*) from scripts/testing/global-setup.ts, with a
// Redis (or $TEST_REDIS_ADDRESS) behind it for LiveKit's SIP API (phone numbers) — and a Chromium
// (Debian's, or $CHROMIUM_PATH) that the test files connect to. Anything missing fails the run
// with a message that says what to do; nothing is ever skipped.
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserServer } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { setupLiveKit, setupMongo, setupRedis } from '../scripts/testing/global-setup.ts';
import { assertBuilt } from './support/built-app.ts';
import { CHROMIUM_ARGS, type E2eContext } from './support/context.ts';
import { startSignedInApp } from './support/sign-in.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCREENSHOTS_DIR = path.join(REPO_ROOT, 'e2e/screenshots');

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  assertBuilt();
  const executablePath = findChromium();

  const teardowns: (() => Promise<void>)[] = [];
  const teardown = async () => {
    const errors: unknown[] = [];
    for (const step of teardowns.reverse())
      await step().catch((error: unknown) => errors.push(error));
    if (errors.length > 0) throw errors[0];
  };

  try {
    // Redis first: the LiveKit started next keeps SIP trunks and dispatch rules in it.
    teardowns.push(await setupRedis(project));
    const [releaseMongo, releaseLiveKit] = await Promise.all([
      setupMongo(project),
      setupLiveKit(project, { redis: true }),
    ]);
    teardowns.push(releaseMongo, releaseLiveKit);
    const { mongoUri, livekit } = project.getProvidedContext();
    const databaseUri = withDatabase(mongoUri, `t_e2e_${randomBytes(4).toString('hex')}`);
    const agentName = `sb-e2e-${randomBytes(4).toString('hex')}`;

    const { app, owner, apiKey } = await startSignedInApp({
      NODE_ENV: 'production',
      MONGODB_URI: databaseUri,
      LIVEKIT_URL: livekit.url,
      LIVEKIT_API_KEY: livekit.apiKey,
      LIVEKIT_API_SECRET: livekit.apiSecret,
      AGENT_NAME: agentName,
    });
    teardowns.push(() => app.stop());

    const browser = await launchChromium(executablePath);
    teardowns.push(() => browser.close());

    mkdirSync(SCREENSHOTS_DIR, { recursive: true });
    const context: E2eContext = {
      baseUrl: app.baseUrl,
      wsEndpoint: browser.wsEndpoint(),
      agentName,
      livekit,
      screenshotsDir: SCREENSHOTS_DIR,
      owner,
      apiKey,
    };
    project.provide('e2e', context);
    process.stdout.write(
      `[e2e] app ${app.baseUrl} (pid ${app.pid}), agent worker name ${agentName}, Chromium ${executablePath}\n`,
    );
  } catch (error) {
    await teardown().catch(() => undefined);
    throw error;
  }
  return teardown;
}

function findChromium(): string {
  const candidate = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  try {
    accessSync(candidate, constants.X_OK);
  } catch {
    throw new Error(
      `No Chromium at ${candidate}: install Debian's (apt-get install chromium) or set CHROMIUM_PATH to a Chromium/Chrome binary.`,
    );
  }
  return candidate;
}

async function launchChromium(executablePath: string): Promise<BrowserServer> {
  try {
    // Playwright gives every launch a fresh temporary profile (the --user-data-dir).
    return await chromium.launchServer({
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS],
    });
  } catch (error) {
    throw new Error(`Chromium at ${executablePath} did not start: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Puts `database` into a MongoDB URI, keeping hosts and options. */
function withDatabase(uri: string, database: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/)([^/?]*)(\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!match) throw new Error(`not a MongoDB URI: ${uri}`);
  const [, scheme = '', hosts = '', pathPart = '', query = ''] = match;
  const previous = pathPart.replace(/^\//, '');
  const params = new URLSearchParams(query.replace(/^\?/, ''));
  if (hosts.includes('@') && previous && !params.has('authSource'))
    params.set('authSource', previous);
  const search = params.toString();
  return `${scheme}${hosts}/${database}${search ? `?${search}` : ''}`;
}
