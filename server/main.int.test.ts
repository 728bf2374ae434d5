import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { afterEach, describe, expect, onTestFinished, test } from 'vitest';
import { startFerretDB } from '../scripts/lib/processes.ts';
import { setUpFirstOwner } from '../scripts/testing/first-owner.ts';
import { dropTestDatabase, testDatabaseUri } from '../scripts/testing/services.ts';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

interface Started {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs `server/main.ts` as the product runs (a process of its own) and waits for it to listen. */
async function startServer(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      AUTH_SECRET: TEST_AUTH_SECRET,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /"url":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(output);
      if (match?.[1]) {
        clearInterval(timer);
        resolve(Number(match[1]));
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
  return { child, port, output: () => output, exited };
}

const TEST_AUTH_SECRET = 'main-int-test-secret-0123456789abcdef';

/** The server's first owner (setup token from its log) and the `Bearer` headers of their key. */
async function firstOwner(server: Started): Promise<Record<string, string>> {
  const { apiKey } = await setUpFirstOwner({
    baseUrl: `http://127.0.0.1:${server.port}`,
    output: server.output,
  });
  return { authorization: `Bearer ${apiKey}` };
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the server process', () => {
  test('on MongoDB: ready once the database answers; SIGTERM lets an in-flight request finish, then exits 0', async () => {
    const uri = testDatabaseUri('main_process');
    onTestFinished(async () => dropTestDatabase(await mongoose.createConnection(uri).asPromise()));
    const server = await startServer({ NODE_ENV: 'production', MONGODB_URI: uri });
    const base = `http://127.0.0.1:${server.port}`;
    await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200);
    expect(server.output()).toContain('"storage":"mongodb"');
    const auth = await firstOwner(server);

    const body = JSON.stringify({ name: 'Saved while stopping' });
    const inFlight = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          path: '/trpc/agents.create',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...auth,
          },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 5));
      // The rest of the body arrives after SIGTERM.
      setTimeout(() => req.end(body.slice(5)), 500);
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    server.child.kill('SIGTERM');

    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('Saved while stopping');
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('shutting down');
  });

  test('upgrade: agents and routes written before workspaces are adopted into the first workspace and served to its owner', async () => {
    const uri = testDatabaseUri('main_adoption');
    const db = await mongoose.createConnection(uri).asPromise();
    onTestFinished(async () => dropTestDatabase(db));
    // Documents as the previous version wrote them: no workspaceId.
    const at = new Date('2026-01-02T03:04:05.000Z');
    const agentId = new mongoose.Types.ObjectId();
    await db.collection('agents').insertOne({
      _id: agentId,
      name: 'Written by the previous version',
      description: '',
      config: { greeting: 'Hello' },
      version: 4,
      deletedAt: null,
      createdAt: at,
      updatedAt: at,
    });
    await db.collection('telephony_did_routes').insertOne({
      did: '+14155550123',
      liveKey: '+14155550123',
      agentId,
      label: 'Old line',
      sync: { state: 'error', ruleId: null, error: 'LiveKit is not configured', syncedAt: null },
      revision: 1,
      deletedAt: null,
      createdAt: at,
      updatedAt: at,
    });
    const server = await startServer({ NODE_ENV: 'production', MONGODB_URI: uri });
    const base = `http://127.0.0.1:${server.port}`;
    await waitFor(async () => server.output().includes('adopted 1 routes'));
    expect(server.output()).toContain('adopted 1 agents stored before workspaces');
    // Nobody may read them before the install is claimed; its first owner then has them.
    expect((await fetch(`${base}/trpc/agents.list`)).status).toBe(401);
    const auth = await firstOwner(server);
    const agents = (await (await fetch(`${base}/trpc/agents.list`, { headers: auth })).json()) as {
      result: { data: { items: { id: string; name: string; version: number }[] } };
    };
    expect(agents.result.data.items).toEqual([
      expect.objectContaining({ id: agentId.toHexString(), version: 4 }),
    ]);
    const routes = (await (
      await fetch(`${base}/trpc/telephony.routes.list`, { headers: auth })
    ).json()) as {
      result: { data: { items: { did: string; agent: { name: string | null } }[] } };
    };
    expect(routes.result.data.items).toEqual([
      expect.objectContaining({
        did: '+14155550123',
        agent: { id: agentId.toHexString(), name: 'Written by the previous version' },
      }),
    ]);
    expect(await db.collection('agents').countDocuments({ workspaceId: { $exists: false } })).toBe(
      0,
    );
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  test('a database outage answers SERVICE_UNAVAILABLE from the database timeout, and the server recovers with nothing lost', async () => {
    // A database of this test's own, so it can be stopped and started again on the same data.
    const dataDir = await mkdtemp(path.join(tmpdir(), 'sb-outage-'));
    let db = await startFerretDB({ dataDir });
    try {
      const server = await startServer({
        NODE_ENV: 'production',
        MONGODB_URI: `${db.uri}/outage`,
        MONGODB_TIMEOUT_MS: '1500',
      });
      const base = `http://127.0.0.1:${server.port}`;
      await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200);
      const auth = await firstOwner(server);
      const created = await fetch(`${base}/trpc/agents.create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({ name: 'Survives the outage' }),
      });
      expect(created.status).toBe(200);

      await db.stop();
      // MONGODB_TIMEOUT_MS (1.5 s) answers, not REQUEST_TIMEOUT_MS (15 s), whose message differs.
      const during = await fetch(`${base}/trpc/agents.list`, { headers: auth });
      expect(during.status).toBe(503);
      expect(await during.json()).toMatchObject({
        error: {
          data: { code: 'SERVICE_UNAVAILABLE' },
          message: expect.stringMatching(/database is not answering/) as unknown,
        },
      });
      expect((await fetch(`${base}/readyz`)).status).toBe(503);

      db = await startFerretDB({ dataDir, port: db.port });
      await waitFor(
        async () => (await fetch(`${base}/trpc/agents.list`, { headers: auth })).status === 200,
        30_000,
      );
      const after = (await (await fetch(`${base}/trpc/agents.list`, { headers: auth })).json()) as {
        result: { data: { items: { name: string }[] } };
      };
      expect(after.result.data.items.map((a) => a.name)).toEqual(['Survives the outage']);
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    } finally {
      await db.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 90_000);

  test('production without MONGODB_URI: agents.* answers 503 "Persistence is not configured"', async () => {
    const server = await startServer({ NODE_ENV: 'production' });
    const response = await fetch(`http://127.0.0.1:${server.port}/trpc/agents.list`, {
      headers: await firstOwner(server),
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      error: { message: 'Persistence is not configured', data: { code: 'SERVICE_UNAVAILABLE' } },
    });
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  test('development without MONGODB_URI: in-memory store, said loudly', async () => {
    const server = await startServer({ NODE_ENV: 'development' });
    expect(server.output()).toMatch(/MONGODB_URI is not set: agents are kept IN MEMORY/);
    const info = await fetch(`http://127.0.0.1:${server.port}/trpc/system.info`, {
      headers: await firstOwner(server),
    });
    expect(await info.json()).toMatchObject({ result: { data: { storage: 'memory' } } });
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  test('a bad environment stops start-up with one line per bad value', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { PATH: process.env.PATH, PORT: 'http', MONGODB_URI: 'localhost:27017' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('- PORT must be an integer from 0 to 65535 (got "http")');
    expect(stderr).toContain('- MONGODB_URI must start with mongodb:// or mongodb+srv://');
  });
});
