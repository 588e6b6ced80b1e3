import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import { repoRoot } from '../../harness/run/config.js';
import { JSON_SCHEMA_PATH, scenarioJsonSchema } from '../../harness/engine/scenario/json-schema.js';

// The committed JSON Schema must be the one the zod schema generates. To refresh it:
//   UPDATE_SCHEMA=1 npm test -- --selectProjects unit
test('scenario.schema.json is generated from the zod schema and up to date', () => {
  const file = join(repoRoot(), JSON_SCHEMA_PATH);
  const generated = scenarioJsonSchema();
  if (process.env.UPDATE_SCHEMA === '1') writeFileSync(file, generated);
  expect(existsSync(file)).toBe(true);
  expect(readFileSync(file, 'utf8')).toBe(generated);
  expect(JSON.parse(generated).properties.steps).toBeDefined();
});
