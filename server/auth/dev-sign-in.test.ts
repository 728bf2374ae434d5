import { afterEach, describe, expect, test } from 'vitest';
import { buildApp, type App } from '../app.ts';
import { loadEnv } from '../env.ts';
import { createMemoryLogger } from '../logger.ts';
import { DEVELOPMENT_OWNER } from '../services/setup.service.ts';

const apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function start(env: Record<string, string>) {
  const app = buildApp(loadEnv({ NODE_ENV: 'development', ...env }), createMemoryLogger());
  apps.push(app);
  await app.firstStart;
  const { port } = await app.http.listen(0, '127.0.0.1');
  return { app, base: `http://127.0.0.1:${port}` };
}

const post = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: '{}',
  });

describe('the development sign-in (npm run dev)', () => {
  test('with DEV_SIGN_IN on loopback: the development owner, in a workspace of their own, one POST away', async () => {
    const { base } = await start({ DEV_SIGN_IN: 'true' });
    const status = await fetch(`${base}/trpc/setup.status`);
    expect(await status.json()).toMatchObject({
      result: { data: { needed: false, developmentSignIn: true } },
    });

    const signedIn = await post(`${base}/api/dev/sign-in`);
    expect(signedIn.status).toBe(200);
    const cookie = signedIn.headers
      .getSetCookie()
      .find((c) => c.startsWith('sb.session_token='))
      ?.split(';', 1)[0];
    expect(cookie).toBeDefined();

    const me = await fetch(`${base}/trpc/account.me`, { headers: { cookie: cookie! } });
    expect(await me.json()).toMatchObject({
      result: {
        data: {
          user: { email: DEVELOPMENT_OWNER.email },
          workspaces: [{ name: 'Development', role: 'owner' }],
        },
      },
    });
    // A cross-site page cannot do it for the developer's browser.
    expect((await post(`${base}/api/dev/sign-in`, { origin: 'https://evil.example' })).status).toBe(
      403,
    );
  });

  test('without DEV_SIGN_IN there is no such route, and setup is open instead', async () => {
    const { base } = await start({});
    expect((await post(`${base}/api/dev/sign-in`)).status).toBe(404);
    const status = await fetch(`${base}/trpc/setup.status`);
    expect(await status.json()).toMatchObject({
      result: { data: { needed: true, developmentSignIn: false } },
    });
  });
});
