// Builds (once per machine and version) the FerretDB and LiveKit binaries the tests and dev scripts
// run, and installs the Debian packages the tests use (Chromium, Redis) when they are missing.
// `npm test` runs it first (pretest); CI also runs it as a step of its own. Prints where things are.

import { ensureFerretDB, ensureLiveKit } from './lib/install.ts';
import { ensureSystemPackages } from './lib/system-packages.ts';

const started = Date.now();
try {
  const [ferretdb, livekit] = await Promise.all([
    ensureFerretDB(),
    ensureLiveKit(),
    ensureSystemPackages(),
  ]);
  process.stderr.write(`FerretDB: ${ferretdb}\nLiveKit:  ${livekit}\n`);
  process.stderr.write(`services ready in ${Math.round((Date.now() - started) / 1000)} s\n`);
} catch (error) {
  process.stderr.write(`install-services: ${(error as Error).message}\n`);
  process.exit(1);
}
