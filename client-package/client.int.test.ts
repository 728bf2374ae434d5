// `switchboard/client` as another project gets it: `npm pack`, the tarball installed into a
// scratch project, consumers type-checked with tsc (a wrong input must not compile) and run
// against a server started here. Two scratch layouts:
//
// - `installed/`: `npm install` of the tarball, as the README says (its dependencies come from the
//   npm cache, or the registry for the package documents the cache lacks);
// - `minimal/`: the tarball unpacked beside @trpc/client, @trpc/server and zod only, the packages
//   a consumer needs: the declarations must resolve with nothing else (no @types/node either).
//   Checked with `skipLibCheck: false` too, every declaration file is clean but @trpc/server's own,
//   which need @types/node and `ws` (its Node adapters): that is tRPC's, and why consumers without
//   @types/node keep the usual `skipLibCheck: true`.

import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildApp, type App } from '../server/app.ts';
import { loadEnv } from '../server/env.ts';
import { createMemoryLogger } from '../server/logger.ts';
import { createTestOwner, type TestOwner } from '../server/testing/auth.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const CONSUMER_PACKAGES = ['@trpc/client', '@trpc/server', 'zod'];
const ENTRY = 'dist/package/client-package/client.js';
const INSTALL_TIMEOUT_MS = 180_000;

interface Ran {
  code: number | null;
  stdout: string;
  /** stdout then stderr. */
  output: string;
}

/** Runs a program to its end; its output (stdout then stderr) is kept for assertions. */
function run(command: string, args: string[], cwd: string, timeoutMs = 60_000): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      timeout: timeoutMs,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString();
      resolve({ code, stdout, output: stdout + Buffer.concat(err).toString() });
    });
  });
}

async function mustRun(command: string, args: string[], cwd: string, timeoutMs?: number) {
  const ran = await run(command, args, cwd, timeoutMs);
  if (ran.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${ran.code}:\n${ran.output}`);
  }
  return ran.stdout;
}

const tsc = (project: string, cwd: string) => run(process.execPath, [TSC, '-p', project], cwd);

/** What a strict consumer compiles with: no @types at all, and `tsc --init`'s skipLibCheck. */
const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023', 'DOM'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: true,
    types: [],
    outDir: 'out',
  },
  files: ['good.ts'],
};

/** Creates an agent, lists agents and reads the error of a call with a wrong key; prints JSON. */
const goodConsumer = (url: string, apiKey: string) => `
import { createSwitchboardClient, isSwitchboardError, type SwitchboardOutputs } from 'switchboard/client';

const client = createSwitchboardClient({ url: ${JSON.stringify(url)}, apiKey: ${JSON.stringify(apiKey)} });
const created = await client.agents.create.mutate({
  name: 'From another project',
  config: { llm: { provider: 'openai', model: 'gpt-4o-mini' } },
});
const agent: SwitchboardOutputs['agents']['get'] = created;
const list = await client.agents.list.query({ limit: 100 });

const stranger = createSwitchboardClient({ url: ${JSON.stringify(url)}, apiKey: 'sb_sk_not-a-key' });
const refused: unknown = await stranger.agents.list.query().catch((error: unknown) => error);
const reason = isSwitchboardError(refused) ? refused.data.details?.reason : 'not a Switchboard error';

console.log(JSON.stringify({
  id: agent.id,
  version: agent.version,
  listed: list.items.map((item) => item.id),
  refused: isSwitchboardError(refused) ? refused.data.code : null,
  reason,
}));
`;

const badConsumer = `
import { createSwitchboardClient } from 'switchboard/client';

const client = createSwitchboardClient({ url: 'http://127.0.0.1:1', apiKey: 'sb_sk_x' });
await client.agents.create.mutate({ nme: 'x' });
`;

async function writeConsumers(dir: string, url: string, apiKey: string) {
  await writeFile(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2),
  );
  await writeFile(path.join(dir, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG, null, 2));
  await writeFile(
    path.join(dir, 'tsconfig.bad.json'),
    JSON.stringify({
      extends: './tsconfig.json',
      compilerOptions: { noEmit: true },
      files: ['bad.ts'],
    }),
  );
  await writeFile(
    path.join(dir, 'tsconfig.strict.json'),
    JSON.stringify({
      extends: './tsconfig.json',
      compilerOptions: { noEmit: true, skipLibCheck: false },
    }),
  );
  await writeFile(path.join(dir, 'good.ts'), goodConsumer(url, apiKey));
  await writeFile(path.join(dir, 'bad.ts'), badConsumer);
}

interface ConsumerReport {
  id: string;
  version: number;
  listed: string[];
  refused: string | null;
  reason: string | undefined;
}

let work: string;
let tarball: string;
let app: App;
let url: string;
let owner: TestOwner;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'switchboard-client-'));
  // `npm pack` runs `prepare`, which builds dist/package/ from the sources first.
  const packed = JSON.parse(
    await mustRun('npm', ['pack', '--json', '--pack-destination', work], ROOT),
  ) as { filename: string }[];
  tarball = path.join(work, packed[0]?.filename ?? 'missing.tgz');

  app = buildApp(loadEnv({ NODE_ENV: 'test' }), createMemoryLogger());
  const { port } = await app.http.listen(0, '127.0.0.1');
  url = `http://127.0.0.1:${port}`;
  owner = await createTestOwner(app.services);
}, 120_000);

afterAll(async () => {
  await app?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

async function expectAgentMade(report: ConsumerReport) {
  expect(report.listed).toContain(report.id);
  expect(report.version).toBe(1);
  // The wrong key reached the server as a bearer key and its answer was read by the helper.
  expect(report).toMatchObject({ refused: 'UNAUTHORIZED', reason: 'invalid-key' });
  const stored = await app.services.agents.get(owner.workspaceId, report.id);
  expect(stored.name).toBe('From another project');
}

test('the tarball holds the client entry, its declarations and no other JavaScript', async () => {
  const listed = (await mustRun('tar', ['-tzf', tarball], work)).split('\n').filter(Boolean);
  expect(listed).toContain(`package/${ENTRY}`);
  expect(listed).toContain('package/dist/package/client-package/client.d.ts');
  expect(listed.filter((file) => file.endsWith('.js'))).toEqual([`package/${ENTRY}`]);
  expect(listed.filter((file) => file.startsWith('package/server/'))).toEqual([]);

  const entry = await readFile(path.join(ROOT, ENTRY), 'utf8');
  const imports = [...entry.matchAll(/^\s*(?:import|export)\b[^;]*?from\s*['"]([^'"]+)['"]/gm)];
  expect(imports.map((match) => match[1])).toEqual(['@trpc/client']);
  expect(entry).not.toMatch(/\bimport\s*\(|\brequire\s*\(/);
  console.info(
    `switchboard/client: ${Buffer.byteLength(entry)} bytes, ${gzipSync(entry).length} gzipped; imports @trpc/client`,
  );
});

describe('a project with only @trpc/client, @trpc/server and zod', () => {
  let dir: string;

  beforeAll(async () => {
    dir = path.join(work, 'minimal');
    const unpacked = path.join(dir, 'node_modules', 'switchboard');
    await mkdir(unpacked, { recursive: true });
    await mustRun('tar', ['-xzf', tarball, '--strip-components=1', '-C', unpacked], work);
    for (const name of CONSUMER_PACKAGES) {
      await mkdir(path.dirname(path.join(dir, 'node_modules', name)), { recursive: true });
      await symlink(path.join(ROOT, 'node_modules', name), path.join(dir, 'node_modules', name));
    }
    await writeConsumers(dir, url, owner.key);
  });

  test('type-checks, then creates and lists an agent', async () => {
    const checked = await tsc('tsconfig.json', dir);
    expect(checked.output).toBe('');
    expect(checked.code).toBe(0);

    const report = JSON.parse(
      await mustRun(process.execPath, ['out/good.js'], dir),
    ) as ConsumerReport;
    await expectAgentMade(report);
  });

  test('finds nothing wrong in switchboard’s declarations with skipLibCheck off', async () => {
    const checked = await tsc('tsconfig.strict.json', dir);
    const failing = [...checked.output.matchAll(/^(\S+)\(\d+,\d+\): error/gm)].map(
      (match) => match[1] ?? '',
    );
    expect(checked.output).not.toMatch(/^error TS/m);
    // Only @trpc/server's own declarations (Node adapters, `Disposable`) may fail here.
    expect(failing.filter((file) => !file.includes('node_modules/@trpc/server/'))).toEqual([]);
  });
});

describe('a project that installed the tarball with npm', () => {
  let dir: string;

  beforeAll(async () => {
    dir = path.join(work, 'installed');
    await mkdir(dir);
    await writeConsumers(dir, url, owner.key);
    await mustRun(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball],
      dir,
      INSTALL_TIMEOUT_MS,
    );
  }, INSTALL_TIMEOUT_MS + 10_000);

  test('gets a compile error for a wrong input', async () => {
    const checked = await tsc('tsconfig.bad.json', dir);
    expect(checked.code).not.toBe(0);
    expect(checked.output).toMatch(/^bad\.ts\(5,\d+\): error TS\d+: .*'nme'/m);
    expect(checked.output).not.toMatch(/^(?!bad\.ts)\S+\(\d+,\d+\): error/m);
  });

  test('type-checks and runs the consumer against the server', async () => {
    const checked = await tsc('tsconfig.json', dir);
    expect(checked.output).toBe('');
    expect(checked.code).toBe(0);

    const report = JSON.parse(
      await mustRun(process.execPath, ['out/good.js'], dir),
    ) as ConsumerReport;
    await expectAgentMade(report);
  });
});
