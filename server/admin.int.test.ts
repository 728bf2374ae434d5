import { spawn } from 'node:child_process';
import { afterAll, describe, expect, test } from 'vitest';
import {
  connectTestDatabase,
  dropTestDatabase,
  testDatabaseUri,
} from '../scripts/testing/services.ts';
import { buildApp } from './app.ts';
import { loadEnv } from './env.ts';
import { createMemoryLogger } from './logger.ts';

const uri = testDatabaseUri('admin_cli');

afterAll(async () => dropTestDatabase(await connectTestDatabase(uri)));

/** `npm run admin -- …` as an operator's script runs it: stdout, stderr, exit code. */
function admin(
  args: string[],
  env: Record<string, string> = {},
  stdin?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/admin.ts', ...args], {
    env: { PATH: process.env.PATH, MONGODB_URI: uri, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin ?? '');
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('npm run admin', () => {
  test('init makes the first owner, their workspace and a secret key printed alone on stdout', async () => {
    const result = await admin(
      [
        'init',
        '--email',
        'Ops@Example.com',
        '--name',
        'Ops',
        '--workspace',
        'Acme',
        '--key-name',
        'ci',
      ],
      { SWITCHBOARD_ADMIN_PASSWORD: 'a long enough password' },
    );
    expect(result.stderr).toContain('created account ops@example.com');
    expect(result.code, result.stderr).toBe(0);
    const key = result.stdout.trim();
    expect(key).toMatch(/^sb_sk_[A-Za-z0-9_-]{43}$/);

    // The server on that database knows the key and the account; the install is claimed.
    const app = buildApp(loadEnv({ NODE_ENV: 'test', MONGODB_URI: uri }), createMemoryLogger());
    try {
      await app.firstStart;
      const address = await app.http.listen(0, '127.0.0.1');
      const base = `http://127.0.0.1:${address.port}`;
      const listed = await fetch(`${base}/trpc/agents.list`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(listed.status).toBe(200);
      const signIn = await fetch(`${base}/api/auth/sign-in/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'ops@example.com', password: 'a long enough password' }),
      });
      expect(signIn.status).toBe(200);
      expect(await app.services.setup.needed()).toBe(false);
      const [workspace] = await app.services.workspaces.memberships(
        (await app.services.accounts.findByEmail('ops@example.com'))!.id,
      );
      expect(workspace).toMatchObject({ name: 'Acme', role: 'owner' });

      // A second key for that workspace, with chosen scopes; the password from stdin is not needed.
      const second = await admin([
        'create-key',
        '--workspace-id',
        workspace!.id,
        '--key-name',
        'read only',
        '--scopes',
        'agents:read',
      ]);
      expect(second.code).toBe(0);
      const readOnly = second.stdout.trim();
      const refused = await fetch(`${base}/trpc/agents.create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${readOnly}` },
        body: JSON.stringify({ name: 'Nope' }),
      });
      expect(refused.status).toBe(403);
    } finally {
      await app.close();
    }
  });

  test('create-owner reads a new password from stdin and prints the workspace id', async () => {
    const result = await admin(
      [
        'create-owner',
        '--email',
        'second@example.com',
        '--name',
        'Second',
        '--workspace',
        'Beta',
        '--password-stdin',
      ],
      {},
      'another long password\n',
    );
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^[0-9a-f]{24}$/);
  });

  test('mistakes say what is wrong and exit 1, changing nothing', async () => {
    const noPassword = await admin([
      'init',
      '--email',
      'x@example.com',
      '--name',
      'X',
      '--workspace',
      'X',
    ]);
    expect(noPassword.code).toBe(1);
    expect(noPassword.stderr).toContain('SWITCHBOARD_ADMIN_PASSWORD');
    expect(noPassword.stdout).toBe('');

    const badScope = await admin([
      'create-key',
      '--workspace-id',
      '000000000000000000000001',
      '--scopes',
      'agents:everything',
    ]);
    expect(badScope.code).toBe(1);
    expect(badScope.stderr).toContain('scope "agents:everything" is not valid');

    const noWorkspace = await admin(['create-key', '--workspace-id', 'ffffffffffffffffffffffff']);
    expect(noWorkspace.code).toBe(1);
    expect(noWorkspace.stderr).toContain('No such workspace');

    const noDatabase = await admin(['init', '--email', 'x@example.com'], { MONGODB_URI: '' });
    expect(noDatabase.code).toBe(1);
    expect(noDatabase.stderr).toContain('MONGODB_URI is not set');

    const unknown = await admin(['frobnicate']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });
});
