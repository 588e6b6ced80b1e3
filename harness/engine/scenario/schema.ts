import { z } from 'zod';
import { stepSchemas } from '../steps/registry.js';
import { Duration } from './schema-parts.js';
import { kubernetesRangeProblem, runtimeNeedProblem } from './needs.js';

/**
 * The scenario file format (scenario.yaml in each scenarios/<id>-<slug>/ folder).
 * This zod schema is the one source of truth: TypeScript types, validation with file/field
 * errors, and the JSON Schema that editors use (scenario.schema.json, generated from it).
 * The steps' schemas live with the steps (harness/engine/steps/). See docs/scenario-format.md for a guided tour.
 */

export { Condition, Duration, EndpointExpect, EventExpect, Matcher, PodExpect, TimeExpr } from './schema-parts.js';

/** One step: a union of the step kinds of harness/engine/steps/registry.ts, each defined in its own file. */
export const Step = z.union(stepSchemas);
export type Step = z.infer<typeof Step>;

export const Claim = z.strictObject({
  /**
   * A000-1 style for the articles' claims (shared/sources/README.md); UP-<case> for a case of
   * upstream's e2e tests listed in scenarios/upstream-cases.yaml; any other source gets a prefix
   * of its own (MY-1, TEAM-readiness-2).
   */
  id: z.string().regex(/^[A-Z][A-Z0-9]*-[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a claim ID: capitals, a dash, then a number or name, e.g. A000-1 (an article), UP-P1 (an upstream case of scenarios/upstream-cases.yaml), MY-1 (your own)'),
  /** Where the claim comes from: the article file, an upstream test, a document of your own. */
  source: z.string().min(1),
  /** The claim, in one sentence. */
  text: z.string().min(1),
  /** confirmed: the cluster does what the claim says; refuted: it does not (the steps assert what it does). */
  verdict: z.enum(['confirmed', 'refuted']),
  /** For a refuted claim: what the cluster does instead, in one sentence. */
  actually: z.string().optional(),
});

/**
 * A deliberately broken variant (probe removed, threshold raised...) that must make the scenario
 * FAIL: proof that the scenario observes the cluster rather than passing whatever happens.
 */
export const Mutation = z
  .strictObject({
    name: z.string().min(1),
    /** Manifest files of the scenario -> the mutated files used instead (paths relative to the folder). */
    replace: z.record(z.string().min(1), z.string().min(1)),
  })
  .meta({ id: 'Mutation' });

export const Scenario = z.strictObject({
  $schema: z.string().optional(),
  title: z.string().min(1),
  claims: z.array(Claim).min(1),
  /** Extra requirements; a scenario whose needs are not met is reported as not run. */
  needs: z
    .strictObject({
      /** At least this many nodes. */
      nodes: z.number().int().min(1).optional(),
      /** A provider that can stop and start a node (the `node` step): kind. */
      nodeControl: z.boolean().optional(),
      /** A provider that can restart the API server and kubelets (the `restart` step): local. */
      componentRestart: z.boolean().optional(),
      /** The nodes' Kubernetes version must be in this range (semver): ">=1.34", ">=1.33 <1.36", "1.35.x". */
      kubernetes: z
        .string()
        .min(1)
        .refine((r) => kubernetesRangeProblem(r) === undefined, { error: (issue) => kubernetesRangeProblem(String(issue.input)) ?? 'not a version range' })
        .optional(),
      /** The nodes' container runtime, by name and optionally a version range: "containerd >=2.3", "containerd <2.3". */
      runtime: z
        .string()
        .min(1)
        .refine((r) => runtimeNeedProblem(r) === undefined, { error: (issue) => runtimeNeedProblem(String(issue.input)) ?? 'not a runtime need' })
        .optional(),
      /** Feature gates that must be on, as the API server reports them (its kubernetes_feature_enabled metric). */
      featureGates: z.array(z.string().regex(/^[A-Z][A-Za-z0-9]*$/, 'a feature gate name, e.g. SidecarContainers')).min(1).optional(),
    })
    .optional(),
  /** Upper bound for the whole scenario. */
  timeout: Duration.default('5m'),
  steps: z.array(Step).min(1),
  /**
   * Steps that run after `steps` however they ended (passed, failed, timed out), e.g. to put back
   * what a step changed outside the namespace; one that fails fails the scenario.
   */
  finally: z.array(Step).optional(),
  /** Broken variants that must make the scenario fail (run with PROBE_MUTATIONS=only). */
  mutations: z.array(Mutation).optional(),
});
export type Mutation = z.infer<typeof Mutation>;
export type Scenario = z.infer<typeof Scenario>;
export type Claim = z.infer<typeof Claim>;
