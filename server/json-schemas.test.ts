import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { jsonSchemaDocument, PUBLISHED_SCHEMA_NAMES } from './json-schemas.ts';

const SCHEMAS_DIR = fileURLToPath(new URL('../schemas/', import.meta.url));

describe('published JSON Schemas', () => {
  test.each(PUBLISHED_SCHEMA_NAMES)(
    'schemas/%s.json is what `npm run schemas` writes from the zod schemas',
    (name) => {
      const committed = readFileSync(path.join(SCHEMAS_DIR, `${name}.json`), 'utf8');
      expect(committed, 'stale: run `npm run schemas` and commit schemas/').toBe(
        jsonSchemaDocument(name),
      );
    },
  );
});
