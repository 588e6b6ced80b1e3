import { z } from 'zod';

/**
 * The scenario file format (scenario.yaml in each scenarios/<id>-<slug>/ folder).
 * This zod schema is the one source of truth: TypeScript types, validation with file/field
 * errors, and the JSON Schema that editors use (scenario.schema.json, generated from it).
 * See docs/scenario-format.md for a guided tour.
 */

const durationPattern = /^\d+(\.\d+)?(ms|s|m|h)$/;
/** A duration such as 500ms, 30s, 2m. */
export const Duration = z.string().regex(durationPattern, 'a duration such as 500ms, 30s or 2m').meta({ id: 'Duration' });
/**
 * A time bound: a duration, or an expression over durations and the pod's live probe settings,
 * e.g. "liveness[shell-probe].initialDelaySeconds + liveness[shell-probe].periodSeconds * 3 + 10s".
 */
export const TimeExpr = z.string().min(1).meta({ id: 'TimeExpr' });

/** A value matcher: a literal, or an object with one comparison. */
export const Matcher = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.strictObject({ gte: z.number() }),
  z.strictObject({ lte: z.number() }),
  z.strictObject({ gt: z.number() }),
  z.strictObject({ oneOf: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1) }),
  z.strictObject({ matches: z.string().min(1) }),
  z.strictObject({ contains: z.string().min(1) }),
]).meta({ id: 'Matcher' });
export type Matcher = z.infer<typeof Matcher>;

const ContainerExpect = z.strictObject({
  ready: Matcher.optional(),
  started: Matcher.optional(),
  restartCount: Matcher.optional(),
  state: z.enum(['running', 'waiting', 'terminated']).optional(),
  waitingReason: Matcher.optional(),
  lastTerminated: z.strictObject({ reason: Matcher.optional(), exitCode: Matcher.optional() }).optional(),
  /** true: the container ID differs from the first one seen (a new container, not the old one resumed). */
  idChanged: z.boolean().optional(),
}).meta({ id: 'ContainerExpect' });

/** Partial match on a pod: only the fields given are compared. */
export const PodExpect = z.strictObject({
  pod: z.string().min(1),
  exists: z.boolean().optional(),
  phase: Matcher.optional(),
  /** Pod conditions by type, e.g. {Ready: "False", ContainersReady: "False"}. */
  conditions: z.record(z.string(), Matcher).optional(),
  containers: z.record(z.string(), ContainerExpect).optional(),
  /** true: the pod IP is still the first one seen (the pod was not re-created). */
  sameIP: z.boolean().optional(),
}).meta({ id: 'PodExpect' });

/** At least `count` (default 1) Events in the namespace match. */
export const EventExpect = z.strictObject({
  event: z.strictObject({
    reason: Matcher,
    message: Matcher.optional(),
    /** The pod the event is about. */
    pod: z.string().min(1).optional(),
    /** The container the event is about (from involvedObject.fieldPath). */
    container: z.string().min(1).optional(),
    count: Matcher.optional(),
  }),
}).meta({ id: 'EventExpect' });

/** The pod's endpoint in the EndpointSlices of a Service. */
export const EndpointExpect = z.strictObject({
  endpoint: z.strictObject({
    service: z.string().min(1),
    pod: z.string().min(1),
    /** Slice ports (numbers) that must be listed with the endpoint; default: any. */
    ports: z.array(z.number().int()).optional(),
    ready: z.boolean().optional(),
    serving: z.boolean().optional(),
    terminating: z.boolean().optional(),
    /** false: the pod has no endpoint in the Service's slices. */
    present: z.boolean().optional(),
  }),
}).meta({ id: 'EndpointExpect' });

export const Condition = z.union([PodExpect, EventExpect, EndpointExpect]).meta({ id: 'Condition' });
export type Condition = z.infer<typeof Condition>;

/** Fields shared by every step. */
const StepBase = {
  /** A name for the step; other steps refer to it in `since`. */
  name: z.string().min(1).optional(),
  /** The claim this step gives evidence for (its ID); default: the scenario's first claim. */
  claim: z.string().optional(),
};

const ApplyStep = z.strictObject({
  ...StepBase,
  apply: z.union([z.string(), z.array(z.string()).min(1)]),
  /**
   * The API server must refuse every object of the file(s) (e.g. validation): the step fails if
   * one is accepted. Compares the refusal's HTTP code, Status reason and message.
   */
  rejected: z.strictObject({ code: Matcher.optional(), reason: Matcher.optional(), message: Matcher.optional() }).optional(),
});

const DeleteStep = z.strictObject({
  ...StepBase,
  delete: z.strictObject({
    kind: z.string().min(1).default('Pod'),
    apiVersion: z.string().default('v1'),
    name: z.string().min(1),
    /** Wait until the object is gone (default true). */
    wait: z.boolean().default(true),
    gracePeriodSeconds: z.number().int().min(0).optional(),
  }),
  within: Duration.optional(),
});

const ExecResultExpect = z.strictObject({
  exitCode: Matcher.optional(),
  stdout: Matcher.optional(),
  stderr: Matcher.optional(),
});

const ExecStep = z.strictObject({
  ...StepBase,
  exec: z.strictObject({
    pod: z.string().min(1),
    container: z.string().min(1).optional(),
    command: z.array(z.string()).min(1),
    expect: ExecResultExpect.optional(),
  }),
  /** Retry until the expectation holds, up to this long (default: run once). */
  within: Duration.optional(),
});

const HttpStep = z.strictObject({
  ...StepBase,
  http: z.strictObject({
    /** The pod (with wget) the request is sent from: requests come from inside the cluster. */
    from: z.string().min(1),
    container: z.string().min(1).optional(),
    /** May use {service:NAME} (ClusterIP) and {podIP:NAME}. */
    url: z.string().min(1),
    headers: z.record(z.string(), z.string()).optional(),
    timeoutSeconds: z.number().positive().default(3),
    expect: z.union([
      z.strictObject({ status: Matcher, body: Matcher.optional() }),
      z.strictObject({ error: Matcher }),
    ]),
  }),
  within: Duration.optional(),
});

const NodeFileStep = z.strictObject({
  ...StepBase,
  nodeFile: z.strictObject({
    /** The node the pod ran on (remembered even after the pod is deleted). */
    pod: z.string().min(1),
    /** May use ${NAMESPACE}, like the manifests. */
    path: z.string().min(1),
    expect: z.union([z.strictObject({ content: Matcher }), z.strictObject({ exists: z.literal(false) })]),
    /** After the check, remove the file (true, the default), nothing (false), or this path (e.g. the hostPath directory). */
    remove: z.union([z.boolean(), z.string().min(1)]).default(true),
  }),
  within: Duration.optional(),
});

/** Stops or starts the node a pod runs on (needs: {nodeControl: true}): a node failure on demand. */
const NodeStep = z.strictObject({
  ...StepBase,
  node: z.strictObject({
    /** The node that pod was scheduled to (remembered after the pod is gone). */
    of: z.string().min(1),
    action: z.enum(['stop', 'start']),
  }),
});

const LogsStep = z.strictObject({
  ...StepBase,
  logs: z.strictObject({
    pod: z.string().min(1),
    container: z.string().min(1).optional(),
    /** The previous (terminated) container's log, like kubectl logs --previous. */
    previous: z.boolean().default(false),
    expect: Matcher,
  }),
  within: Duration.optional(),
});

/** Eventually: the condition(s) become true within `within`. */
const ExpectStep = z.strictObject({
  ...StepBase,
  expect: z.union([Condition, z.array(Condition).min(1)]),
  within: TimeExpr.default('60s'),
  /**
   * Timed: the moment the condition first held, measured from `since` (a step name, or
   * "start:<pod>/<container>" = that container's startedAt), must lie in [min, max].
   */
  since: z.string().min(1).optional(),
  between: z.tuple([TimeExpr, TimeExpr]).optional(),
});

/** Never (the other way round): the condition(s) stay true for the whole window. */
const HoldsStep = z.strictObject({
  ...StepBase,
  holds: z.union([Condition, z.array(Condition).min(1)]),
  for: TimeExpr,
});

export const Step = z.union([ApplyStep, DeleteStep, ExecStep, HttpStep, NodeFileStep, NodeStep, LogsStep, ExpectStep, HoldsStep]);
export type Step = z.infer<typeof Step>;

export const Claim = z.strictObject({
  /**
   * A000-1 style for the articles' claims (shared/sources/README.md); any other source gets a
   * prefix of its own: UP-... for upstream's e2e cases, or yours (MY-1, TEAM-readiness-2).
   */
  id: z.string().regex(/^[A-Z][A-Z0-9]*-[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a claim ID: capitals, a dash, then a number or name, e.g. A000-1 (an article), UP-liveness-exec-1 (upstream), MY-1 (your own)'),
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
