// The LiveKit API secret never reaches the browser: the BUILT client bundle (dist/client, what is
// served) must not contain it. CI builds before it tests; locally run `npm run build` first.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { DEV_LIVEKIT_API_SECRET } from '../../scripts/lib/dev-services.ts';
import { testLiveKit } from '../../scripts/testing/services.ts';

const DIST_CLIENT = fileURLToPath(new URL('../../dist/client', import.meta.url));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : entry.isFile() ? [full] : [];
  });
}

/** Files (relative to `dir`) containing any of the secrets, as `file: which`. */
function findSecrets(dir: string, secrets: Record<string, string>): string[] {
  const found: string[] = [];
  for (const file of filesUnder(dir)) {
    // latin1 keeps every byte, so text in any encoding of ASCII secrets is found (maps included).
    const content = readFileSync(file).toString('latin1');
    for (const [name, secret] of Object.entries(secrets)) {
      if (content.includes(secret)) found.push(`${path.relative(dir, file)}: ${name}`);
    }
  }
  return found;
}

function secretsToLookFor(): Record<string, string> {
  const secrets: Record<string, string> = {
    'the test LiveKit API secret': testLiveKit().apiSecret,
    'the development LiveKit API secret': DEV_LIVEKIT_API_SECRET,
  };
  const fromEnv = process.env.LIVEKIT_API_SECRET?.trim();
  if (fromEnv) secrets['LIVEKIT_API_SECRET from the environment'] = fromEnv;
  return secrets;
}

describe('the client bundle', () => {
  test('holds no LiveKit API secret', () => {
    if (!existsSync(path.join(DIST_CLIENT, 'index.html'))) {
      throw new Error(
        `${DIST_CLIENT} has no built client: run \`npm run build\` first (CI builds before it tests), then run the tests again`,
      );
    }
    expect(filesUnder(DIST_CLIENT).length).toBeGreaterThan(1);
    expect(findSecrets(DIST_CLIENT, secretsToLookFor())).toEqual([]);
  });

  test('the scan finds a secret where there is one (so a pass means something)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-bundle-scan-'));
    try {
      writeFileSync(path.join(dir, 'index.html'), '<html></html>');
      writeFileSync(
        path.join(dir, 'app.js'),
        `const s = ${JSON.stringify(DEV_LIVEKIT_API_SECRET)};`,
      );
      expect(findSecrets(dir, secretsToLookFor())).toEqual([
        'app.js: the development LiveKit API secret',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
