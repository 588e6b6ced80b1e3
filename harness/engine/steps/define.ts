import type { z } from 'zod';
import type { ClusterView } from '../observe/recorder.js';
import type { ScenarioContext, StepOutcome } from '../scenario/context.js';

/** A pod a step names, at `path` (relative to the step, e.g. `.exec.pod`), with the containers it names in it. */
export interface PodRef {
  path: string;
  pod: string;
  containers?: string[];
}

/** What a step's load-time check knows besides the step. */
export interface StepCheckContext {
  /** The scenario folder and the repository root (for paths in messages). */
  dir: string;
  repoRoot: string;
  /** Where the step is, e.g. steps[2] or finally[0]. */
  at: string;
  /** Names of the steps before this one. */
  earlierNames: ReadonlySet<string>;
}

/**
 * One step kind: its schema, how it runs, and what the rest of the engine needs to know about it.
 * Every kind lives in one file of harness/engine/steps/ and is listed in registry.ts.
 */
export interface StepDefinition<K extends string = string, S extends z.ZodType = z.ZodType> {
  /** The field that makes a step this kind, e.g. `exec`. */
  key: K;
  schema: S;
  run(ctx: ScenarioContext, step: z.output<S>): Promise<StepOutcome>;
  /** What the step waits for, for the console's progress lines. */
  summary(step: z.output<S>): string;
  /** It acts on the cluster: what it did happened between its start and its end (a `since` anchor). */
  acts: boolean;
  /** A scenario with a step of this kind disrupts the cluster for the others: it runs alone. */
  disruptsCluster?: boolean;
  /** false: a passed step says nothing about its claim, and is left out of the claims report. */
  passedIsEvidence?: boolean;
  /** The manifest files the step applies (a mutation may replace them). */
  manifests?(step: z.output<S>): string[];
  /** Problems the schema cannot see, found when the file loads; each names its path. */
  check?(step: z.output<S>, ctx: StepCheckContext): string[];
  /** Problems in the step as written, before the schema (plainer than its union errors): [path, problem]. */
  checkRaw?(raw: Record<string, unknown>, at: string): [string, string][];
  /** A timed step: the earlier step it is measured from (`since`), if it names one. */
  measuredFrom?(step: z.output<S>): string | undefined;
  /** Whether the step's facts hold on the view now; asked just before the step it is measured from begins. */
  holdsNow?(step: z.output<S>, view: ClusterView): boolean;
  /** The pods (and their containers) the step names, checked at load against the manifests' Pods. */
  podRefs?(step: z.output<S>): PodRef[];
}

export function defineStep<K extends string, S extends z.ZodType<Record<K, unknown>>>(definition: StepDefinition<K, S>): StepDefinition<K, S> {
  return definition;
}
