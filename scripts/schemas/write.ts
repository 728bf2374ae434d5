// `npm run schemas`: writes the published JSON Schemas (server/json-schemas.ts) to schemas/.
// Commit the result; server/json-schemas.test.ts fails while the committed files are stale.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonSchemaDocument, PUBLISHED_SCHEMA_NAMES } from '../../server/json-schemas.ts';

export const SCHEMAS_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(SCHEMAS_DIR, { recursive: true });
  for (const name of PUBLISHED_SCHEMA_NAMES) {
    const file = path.join(SCHEMAS_DIR, `${name}.json`);
    writeFileSync(file, jsonSchemaDocument(name));
    console.log(`wrote ${path.relative(process.cwd(), file)}`);
  }
}
