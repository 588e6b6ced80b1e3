import { z } from 'zod';
import { eventually } from '../expect/wait.js';
import { Condition, StepBase, TimeExpr } from '../scenario/schema-parts.js';
import type { ScenarioContext, StepOutcome } from '../scenario/context.js';
import { clusterMoment, elapsedBetween, elapsedText, fitsWindow, watchMoment, type Moment } from '../scenario/moments.js';
import { Timeline, type TimelineEntry } from '../observe/timeline.js';
import { checkAll } from '../expect/conditions.js';
import { checkTimeExpr, evaluateTime } from '../scenario/time-expr.js';
import { asList, conditionKindProblems, conditionPodRefs, describeConditions } from './conditions.js';
import { defineStep, type StepCheckContext } from './define.js';

/** How unsure a cluster timestamp is (whole seconds): the most a measurement bounded by the watch may be unsure by, too. */
const CLUSTER_STAMP_MS = 1_000;

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
type ExpectStep = z.infer<typeof ExpectStep>;

/**
 * When a container first ran (its startedAt), waiting up to `waitMs` for it to start: a timed
 * step may come right after the apply that creates the pod.
 */
export async function containerStart(timeline: Timeline, subject: string, waitMs: number): Promise<Moment> {
  const find = () => timeline.entries.find((e) => e.kind === 'container' && e.subject === subject && e.text === 'running' && e.clusterTime);
  const entry =
    find() ??
    (await new Promise<TimelineEntry | undefined>((resolve) => {
      const done = (e: TimelineEntry | undefined) => {
        clearTimeout(timer);
        unsubscribe();
        resolve(e);
      };
      const timer = setTimeout(() => done(find()), waitMs);
      const unsubscribe = timeline.onChange(() => {
        const e = find();
        if (e) done(e);
      });
    }));
  if (!entry?.clusterTime) throw new Error(`since: container ${subject} was not seen running within ${Number((waitMs / 1000).toFixed(1))}s (this step's "within")`);
  return clusterMoment(Date.parse(entry.clusterTime), timeline.startedAt);
}

/** The moment a timed expectation is measured from. */
async function referenceMoment(ctx: ScenarioContext, since: string, waitMs: number): Promise<Moment> {
  const start = /^start:([^/]+)\/(.+)$/.exec(since);
  if (!start) {
    const m = ctx.stepTimes.get(since);
    if (m === undefined) throw new Error(`since: step "${since}" has not run`);
    return m;
  }
  return containerStart(ctx.view.timeline, `${start[1]}/${start[2]}`, waitMs);
}

async function run(ctx: ScenarioContext, spec: ExpectStep): Promise<StepOutcome> {
  const conditions = asList(spec.expect);
  if (!spec.since || !spec.between) {
    const withinS = evaluateTime(spec.within, ctx.probeLookup);
    const held = await eventually(ctx.view, conditions, withinS * 1000, ctx.signal);
    // The cluster's timestamp says when, even for facts already true at the first look.
    const happened = held.at !== undefined ? clusterMoment(held.at, ctx.view.timeline.startedAt) : undefined;
    return { observed: held.observed, ...(happened ? { happened } : {}) };
  }
  const ref = await referenceMoment(ctx, spec.since, evaluateTime(spec.within, ctx.probeLookup) * 1000);
  const min = evaluateTime(spec.between[0], ctx.probeLookup);
  const max = evaluateTime(spec.between[1], ctx.probeLookup);
  const now = Date.now() - ctx.view.timeline.startedAt;
  const held = await eventually(ctx.view, conditions, Math.max(0, ref.hi + max * 1000 - now) + 1_000, ctx.signal);
  // Measured on the cluster's own timestamps when every condition has one (events, pod conditions),
  // else on when the watch delivered the change.
  const before = held.atFirstCheck && held.at === undefined ? ctx.factsBeforeAnchor?.get(spec) : undefined;
  // Already true, not yet true just before the anchor began, and that was moments ago: it happened in between.
  const bounded = before !== undefined && !before.held && held.t - before.t <= CLUSTER_STAMP_MS;
  const happened =
    held.at !== undefined
      ? clusterMoment(held.at, ctx.view.timeline.startedAt)
      : bounded
        ? { lo: before!.t, hi: held.t, source: 'watch' as const }
        : watchMoment(held.t);
  const elapsed = elapsedBetween(ref, happened);
  const clock = happened.source === 'cluster' ? 'cluster timestamps' : 'seen by watch';
  const window = `[${min.toFixed(1)}s, ${max.toFixed(1)}s] after ${spec.since}`;
  const timeline = ctx.view.timeline;
  // A change first seen in a gap, or as its backlog arrives, may have happened at any moment of it.
  const unseen = [...(happened.source === 'watch' ? [happened.lo] : []), ...(ref.source === 'watch' && ref.lo === ref.hi ? [ref.lo] : [])]
    .map((t) => timeline.gapAt(t))
    .find((g) => g !== undefined);
  if (unseen) {
    throw new Error(
      `no verdict: ${held.observed} was seen ${elapsedText(elapsed)} after ${spec.since}, but in or right after a gap (${Timeline.gapText(unseen)}), when what happened meanwhile arrives late; ` +
        `it happened at a moment nobody saw. Measure across an outage with facts the cluster timestamps (pod conditions, events)`,
    );
  }
  if (held.atFirstCheck && held.at === undefined && !bounded && elapsed.hi >= min) {
    // Seen only by the watch, at some moment before this step began: the lower bound cannot be proven.
    const why = before?.held
      ? `they already held just before ${spec.since} began`
      : before
        ? `${spec.since} and the steps after it took ${((held.t - before.t) / 1000).toFixed(1)}s, longer than the ${CLUSTER_STAMP_MS / 1000}s a measurement may be unsure by`
        : 'so when they happened cannot be measured';
    throw new Error(
      `already true when this timed step began (${elapsedText(elapsed)} after ${spec.since}), and these facts carry no cluster timestamp ` +
        `(container fields, endpoints, a pod's absence); ${why}; ` +
        `start the timed step before it can happen (e.g. right after the step it is measured from): ${held.observed}`,
    );
  }
  if (!fitsWindow(elapsed, min, max)) {
    const meanwhile = timeline.gapsOverlapping(ref.lo, happened.hi).map((g) => Timeline.gapText(g));
    throw new Error(`happened ${elapsedText(elapsed)} after ${spec.since} (${clock}), outside ${window}${meanwhile.length ? ` (meanwhile: ${meanwhile.join('; ')})` : ''}: ${held.observed}`);
  }
  const seconds = Number(((elapsed.lo + elapsed.hi) / 2).toFixed(1));
  return {
    observed: `${held.observed} — ${elapsedText(elapsed)} after ${spec.since} (${clock}), within ${window}`,
    // anchorMs / atMs: the reference and the measured moment on the scenario's timeline (ms), for the timeline picture.
    measured: { seconds, min, max, uncertainty: Number(((elapsed.hi - elapsed.lo) / 2).toFixed(1)), anchorMs: Math.round((ref.lo + ref.hi) / 2), atMs: Math.round((happened.lo + happened.hi) / 2) },
    happened,
  };
}

function check(step: ExpectStep, { at, earlierNames }: StepCheckContext): string[] {
  const problems: string[] = [];
  const exprs: [string, string][] = [['within', step.within], ...(step.between ? ([['between[0]', step.between[0]], ['between[1]', step.between[1]]] as [string, string][]) : [])];
  for (const [field, expr] of exprs) {
    const err = checkTimeExpr(expr);
    if (err) problems.push(`${at}.${field}: ${err}`);
  }
  if (step.since) {
    if (!step.between) problems.push(`${at}: "since" needs "between: [min, max]"`);
    if (!step.since.startsWith('start:') && !earlierNames.has(step.since)) {
      problems.push(`${at}.since: no earlier step is named "${step.since}" (or use start:<pod>/<container>)`);
    }
  }
  if (step.between && !step.since) problems.push(`${at}: "between" needs "since"`);
  return problems;
}

/** Eventually, or timed (since + between): conditions on what the watches have seen. */
export const expectStep = defineStep({
  key: 'expect',
  schema: ExpectStep,
  run,
  summary: (step) => `${describeConditions(step.expect)}${step.between ? ` (timed, since ${step.since})` : ''}`,
  acts: false,
  podRefs: (step) => {
    const start = step.since ? /^start:([^/]+)\/(.+)$/.exec(step.since) : null;
    return [...conditionPodRefs(step.expect, 'expect'), ...(start ? [{ path: '.since', pod: start[1]!, containers: [start[2]!] }] : [])];
  },
  check,
  checkRaw: (raw, at) => conditionKindProblems(raw, 'expect', at),
  measuredFrom: (step) => (step.since && step.between && !step.since.startsWith('start:') ? step.since : undefined),
  holdsNow: (step, view) => checkAll(asList(step.expect), view).ok,
});
