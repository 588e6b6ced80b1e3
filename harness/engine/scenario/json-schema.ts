import { z } from 'zod';
import { Scenario } from './schema.js';

/** The JSON Schema editors use to complete and check scenario.yaml (generated from the zod schema). */
export function scenarioJsonSchema(): string {
  const schema = z.toJSONSchema(Scenario, { io: 'input', unrepresentable: 'any' });
  return JSON.stringify({ ...schema, title: 'probe-conformance scenario (scenario.yaml)' }, null, 2) + '\n';
}

export const JSON_SCHEMA_PATH = 'harness/engine/scenario/scenario.schema.json';
