// Builds `dist/package/`, the `switchboard/client` entry (`npm run build:client`; `prepare` runs it
// for `npm pack` and git installs): `tsc -p tsconfig.package.json`, then
//
// - keeps one JavaScript file, the entry: tsc also emits the server and shared files the entry
//   imports types from, and a consumer must get their declarations, never their code;
// - points the declarations' relative imports at `.js` (what a consumer's TypeScript resolves to
//   the `.d.ts` beside it, whatever its settings);
// - replaces `import type … from 'node:…'` and Node's `Buffer` with stand-ins. `AppRouter`'s type
//   reaches the server's context (a port takes a node:http request; services' options take a
//   random-bytes function), which a client never sees; without this the declarations would need
//   @types/node (client-package/client.int.test.ts checks them without it);
// - fails if the declarations still import any package but @trpc/client, @trpc/server and zod,
//   the ones a consumer installs.

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT_DIR = path.join(ROOT, 'dist', 'package');
const ENTRY_JS = path.join(OUT_DIR, 'client-package', 'client.js');
const ALLOWED_TYPE_PACKAGES = ['@trpc/client', '@trpc/server', 'zod'];

const NODE_TYPE_IMPORT = /^import type \{([^}]*)\} from '(node:[a-z/_]+)';$/gm;
const RELATIVE_TS = /((?:from |import\()['"]\.{1,2}\/[^'"]*)\.ts(['"])/g;
/** Node globals the declarations mention, by name: what stands in for each. */
const NODE_GLOBALS: Record<string, string> = {
  Buffer: 'interface Buffer extends Uint8Array {\n}',
};
const BARE_SPECIFIER = /(?:from |import\()['"]([^'"./][^'"]*)['"]/g;

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

function finishDeclarations(file: string): string[] {
  const text = readFileSync(file, 'utf8')
    .replace(RELATIVE_TS, '$1.js$2')
    .replace(NODE_TYPE_IMPORT, (_line, names: string, module: string) =>
      names
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean)
        .map((name) => {
          const local = name.split(/\s+as\s+/).at(-1) ?? name;
          return `/** Stands in for ${module}'s type: a client never handles a server request. */\ninterface ${local} {\n    readonly '${module}': never;\n}`;
        })
        .join('\n'),
    );
  const globals = Object.entries(NODE_GLOBALS)
    .filter(([name]) => new RegExp(`\\b${name}\\b`).test(text))
    .map(
      ([name, standIn]) =>
        `/** Stands in for Node's ${name}: a client never calls this. */\n${standIn}\n`,
    );
  writeFileSync(file, globals.join('') + text);
  return [...text.matchAll(BARE_SPECIFIER)]
    .map((match) => match[1] ?? '')
    .filter((specifier) => !ALLOWED_TYPE_PACKAGES.includes(packageOf(specifier)))
    .map((specifier) => `${path.relative(OUT_DIR, file)} imports ${specifier}`);
}

rmSync(OUT_DIR, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', 'tsconfig.package.json'],
  { cwd: ROOT, stdio: 'inherit' },
);

const problems: string[] = [];
for (const entry of readdirSync(OUT_DIR, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile()) continue;
  const file = path.join(entry.parentPath, entry.name);
  if (entry.name.endsWith('.d.ts')) problems.push(...finishDeclarations(file));
  else if (file !== ENTRY_JS) rmSync(file);
}
if (problems.length > 0) {
  console.error(
    `dist/package: the client's declarations may import only ${ALLOWED_TYPE_PACKAGES.join(', ')}:\n  ${problems.join('\n  ')}`,
  );
  process.exit(1);
}
