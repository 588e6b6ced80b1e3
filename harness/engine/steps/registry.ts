import type { StepDefinition } from './define.js';
import { applyStep } from './apply.js';
import { deleteStep } from './delete.js';
import { execStep } from './exec.js';
import { expectStep } from './expect.js';
import { holdsStep } from './holds.js';
import { httpStep } from './http.js';
import { logsStep } from './logs.js';
import { nodeFileStep } from './node-file.js';
import { nodeStep } from './node.js';
import { restartStep } from './restart.js';

/** Every step kind, in the order of the schema's union (see docs/steps.md to add one). */
export const STEP_DEFINITIONS = [applyStep, deleteStep, execStep, httpStep, nodeFileStep, nodeStep, restartStep, logsStep, expectStep, holdsStep] as const;

type SchemasOf<T extends readonly StepDefinition[]> = { -readonly [I in keyof T]: T[I] extends StepDefinition<string, infer S> ? S : never };
/** The step schemas, as a tuple for z.union. */
export const stepSchemas = STEP_DEFINITIONS.map((d) => d.schema) as SchemasOf<typeof STEP_DEFINITIONS>;

const byKey = new Map<string, StepDefinition>(STEP_DEFINITIONS.map((d) => [d.key, d]));

/** The definition of a kind by its key (a step result's `kind`). */
export function stepDefinitionOf(kind: string): StepDefinition | undefined {
  return byKey.get(kind);
}

/** The definition of a step, found by the field that names its kind; undefined for none. */
export function definitionOfStep(step: object): StepDefinition | undefined {
  return STEP_DEFINITIONS.find((d) => d.key in step);
}
