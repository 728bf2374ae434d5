// Keeps README's Python example honest: examples/python/start_session.py, run with python3 and
// `requests` against a test server (memory stores, LiveKit faked), starts a session and reports
// an error in the contract's terms.

import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test } from 'vitest';
import { createMemoryLiveKitRooms } from '../adapters/memory/livekit-rooms.memory.ts';
import { createAuthenticate } from '../auth/authenticate.ts';
import { createMemoryLogger } from '../logger.ts';
import { appRouter } from '../routers/_app.ts';
import { createTestOwner } from '../testing/auth.ts';
import { buildAgentInput, buildServices } from '../testing/builders.ts';
import { createHttpServer, type HttpServer } from './server.ts';

const SCRIPT = fileURLToPath(new URL('../../examples/python/start_session.py', import.meta.url));

const running: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.shutdown(100)));
});

function runPython(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      'python3',
      [SCRIPT, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

test('start_session.py starts a session over POST /api/v1/session, and reports a 404', async () => {
  const logger = createMemoryLogger();
  const services = buildServices({ logger, rooms: createMemoryLiveKitRooms() });
  const http = createHttpServer({
    router: appRouter,
    context: {
      services,
      logger,
      authenticate: createAuthenticate({
        accounts: services.accounts,
        workspaces: services.workspaces,
        keys: services.keys,
      }),
    },
    logger,
    bodyLimitBytes: 64 * 1024,
    requestTimeoutMs: 5000,
    readiness: async () => {},
  });
  running.push(http);
  const { port }: AddressInfo = await http.listen(0, '127.0.0.1');
  const owner = await createTestOwner(services, { scopes: ['sessions:start'] });
  const agent = await services.agents.create(owner.workspaceId, buildAgentInput());
  const env = { SWITCHBOARD_URL: `http://127.0.0.1:${port}`, SWITCHBOARD_KEY: owner.key };

  const started = await runPython([agent.id], env);
  expect(started.stderr).toBe('');
  expect(started.code).toBe(0);
  const printed = Object.fromEntries(
    started.stdout
      .trim()
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string]),
  );
  expect(printed.server_url).toMatch(/^wss?:\/\//);
  const { items } = await services.calls.list(owner.workspaceId, { limit: 10 });
  expect(items.map((call) => call.id)).toEqual([printed.session_id]);
  expect(items[0]).toMatchObject({ roomName: printed.room, agentId: agent.id });

  const missing = await runPython(['0'.repeat(24)], env);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toMatch(/^404 NOT_FOUND: /);
});
