// npm run admin -- <command>: set up an instance from the command line, without a browser.
// What it prints on stdout is only the result (a key, or JSON), so scripts can capture it;
// progress and errors go to stderr. See the README's "Operating" section.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PERMISSIONS, permissionSchema, type Permission } from '../shared/auth.schema.ts';
import {
  emailSchema,
  passwordSchema,
  personNameSchema,
  workspaceNameSchema,
} from '../shared/workspace.schema.ts';
import { buildApp, type App } from './app.ts';
import { EnvError, loadEnv } from './env.ts';
import { AppError } from './errors.ts';
import { createLogger } from './logger.ts';

const USAGE = `Usage: npm run admin -- <command> [options]

Commands:
  init          the first owner, their workspace and a secret API key (printed on stdout)
                  --email <e-mail> --name <name> --workspace <name>
                  [--key-name <name>] [--scopes <a,b,…>]   (every scope unless given)
  create-owner  an account (or the existing one) as owner of a new workspace; prints its id
                  --email <e-mail> --name <name> --workspace <name>
  create-key    a secret API key of a workspace (printed on stdout)
                  --workspace-id <id> --key-name <name> [--scopes <a,b,…>]

The password of a new account is read from SWITCHBOARD_ADMIN_PASSWORD, or from stdin with
--password-stdin (at least 12 characters). MONGODB_URI must point at the server's database.
Scopes: ${Object.keys(PERMISSIONS).join(', ')}`;

class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(message);
}

function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') fail(`--${name} is required`);
  return value;
}

function parsed<T>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
  value: unknown,
  what: string,
): T {
  const result = schema.safeParse(value);
  if (!result.success) fail(`${what} is not valid`);
  return result.data;
}

function scopesFrom(value: string | undefined): Permission[] {
  if (value === undefined) return Object.keys(PERMISSIONS) as Permission[];
  return value
    .split(',')
    .map((scope) => scope.trim())
    .filter((scope) => scope !== '')
    .map((scope) => parsed(permissionSchema, scope, `scope "${scope}"`));
}

function password(values: Record<string, unknown>): string {
  const given = values['password-stdin']
    ? readFileSync(0, 'utf8').replace(/\r?\n$/, '')
    : process.env.SWITCHBOARD_ADMIN_PASSWORD;
  if (!given) fail('set SWITCHBOARD_ADMIN_PASSWORD, or pass --password-stdin and pipe it in');
  return parsed(passwordSchema, given, 'the password (12 to 256 characters)');
}

async function openDatabase(app: App): Promise<void> {
  if (app.storage !== 'mongodb') {
    fail('MONGODB_URI is not set: the admin commands change the database a server uses');
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    app.firstStart,
    new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('the database did not answer within 20 s')),
        20_000,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

async function run(argv: string[]): Promise<string> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      workspace: { type: 'string' },
      'workspace-id': { type: 'string' },
      'key-name': { type: 'string' },
      scopes: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  const [command] = positionals;
  if (values.help || command === undefined) return USAGE;
  if (!['init', 'create-owner', 'create-key'].includes(command))
    fail(`unknown command "${command}"`);

  const env = loadEnv();
  const app = buildApp(env, createLogger({ level: 'error' }));
  try {
    await openDatabase(app);
    const { services } = app;
    const say = (line: string) => process.stderr.write(`${line}\n`);

    const createKey = async (workspaceId: string) => {
      const { key, secret } = await services.keys.create(
        { workspaceId, mayGrant: 'all', createdBy: 'npm run admin' },
        {
          kind: 'secret',
          name: parsed(workspaceNameSchema, values['key-name'] ?? 'admin', '--key-name'),
          scopes: scopesFrom(values.scopes),
        },
      );
      say(
        `secret key ${key.start}… (${key.scopes.join(', ')}) created in workspace ${workspaceId}`,
      );
      return secret;
    };

    if (command === 'create-key') {
      const workspace = await services.workspaces.get(required(values, 'workspace-id'));
      return await createKey(workspace.id);
    }

    const owner = {
      email: parsed(emailSchema, required(values, 'email'), '--email'),
      name: parsed(personNameSchema, required(values, 'name'), '--name'),
      workspaceName: parsed(workspaceNameSchema, required(values, 'workspace'), '--workspace'),
    };
    const existing = await services.accounts.findByEmail(owner.email);
    const { membership, createdAccount } = await services.setup.createOwner({
      ...owner,
      ...(existing ? {} : { password: password(values) }),
    });
    say(
      `${createdAccount ? 'created' : 'using the existing'} account ${owner.email}, owner of "${membership.name}" (${membership.id})`,
    );
    return command === 'init' ? await createKey(membership.id) : membership.id;
  } finally {
    await app.close();
  }
}

try {
  process.stdout.write(`${await run(process.argv.slice(2))}\n`);
  process.exit(0);
} catch (error) {
  if (error instanceof EnvError || error instanceof UsageError || error instanceof AppError) {
    process.stderr.write(`npm run admin: ${error.message}\n`);
    if (error instanceof UsageError) process.stderr.write(`\n${USAGE}\n`);
  } else {
    process.stderr.write(`npm run admin: ${(error as Error).stack ?? String(error)}\n`);
  }
  process.exit(1);
}
