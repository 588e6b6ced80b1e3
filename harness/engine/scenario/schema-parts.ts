import { z } from 'zod';

/** Pieces of the scenario schema that the step files (harness/engine/steps/) and schema.ts share. */

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
  /** The current state's terminated fields (the container has ended and was not restarted). */
  terminated: z.strictObject({ reason: Matcher.optional(), exitCode: Matcher.optional() }).optional(),
  lastTerminated: z.strictObject({ reason: Matcher.optional(), exitCode: Matcher.optional() }).optional(),
  /** true: the container ID differs from the first one seen (a new container, not the old one resumed). */
  idChanged: z.boolean().optional(),
  /** true: no restartCount the watch saw for this container was lower than the one before it. */
  restartCountNeverDecreased: z.boolean().optional(),
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
export const StepBase = {
  /** A name for the step; other steps refer to it in `since`. */
  name: z.string().min(1).optional(),
  /** The claim this step gives evidence for (its ID); default: the scenario's first claim. */
  claim: z.string().optional(),
};
