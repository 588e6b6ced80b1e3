import { eventually, holdsFor } from '../../expect/wait.js';
import type { Condition } from '../schema.js';
import type { ScenarioContext, StepOutcome } from '../context.js';
import { evaluateTime } from '../time-expr.js';

const asList = (c: Condition | Condition[]) => (Array.isArray(c) ? c : [c]);

/** The reference moment of a timed expectation, in timeline ms. */
function referenceT(ctx: ScenarioContext, since: string): number {
  const start = /^start:([^/]+)\/(.+)$/.exec(since);
  if (!start) {
    const t = ctx.stepTimes.get(since);
    if (t === undefined) throw new Error(`since: step "${since}" has not run`);
    return t;
  }
  const subject = `${start[1]}/${start[2]}`;
  const first = ctx.view.timeline.entries.find((e) => e.kind === 'container' && e.subject === subject && e.text === 'running' && e.clusterTime);
  if (!first?.clusterTime) throw new Error(`since: container ${subject} was never seen running`);
  return Date.parse(first.clusterTime) - ctx.view.timeline.startedAt;
}

export interface ExpectSpec {
  expect: Condition | Condition[];
  within: string;
  since?: string | undefined;
  between?: [string, string] | undefined;
}

export async function expectStep(ctx: ScenarioContext, spec: ExpectSpec): Promise<StepOutcome> {
  const conditions = asList(spec.expect);
  if (!spec.since || !spec.between) {
    const withinS = evaluateTime(spec.within, ctx.probeLookup);
    const held = await eventually(ctx.view, conditions, withinS * 1000);
    return { observed: held.observed };
  }
  const ref = referenceT(ctx, spec.since);
  const min = evaluateTime(spec.between[0], ctx.probeLookup);
  const max = evaluateTime(spec.between[1], ctx.probeLookup);
  const now = Date.now() - ctx.view.timeline.startedAt;
  const held = await eventually(ctx.view, conditions, Math.max(0, ref + max * 1000 - now) + 1_000);
  const elapsed = (held.t - ref) / 1000;
  const window = `[${min.toFixed(1)}s, ${max.toFixed(1)}s] after ${spec.since}`;
  if (held.atFirstCheck && elapsed >= min) {
    // It happened at some unknown moment before this step began: the lower bound cannot be proven.
    throw new Error(
      `already true when this timed step began (${elapsed.toFixed(1)}s after ${spec.since}), so when it happened cannot be measured; ` +
        `start the timed step before it can happen (e.g. right after the step it is measured from): ${held.observed}`,
    );
  }
  if (elapsed < min || elapsed > max) {
    throw new Error(`happened ${elapsed.toFixed(1)}s after ${spec.since}, outside ${window}: ${held.observed}`);
  }
  return { observed: `${held.observed} — ${elapsed.toFixed(1)}s after ${spec.since}, within ${window}`, measured: { seconds: Number(elapsed.toFixed(1)), min, max } };
}

export async function holdsStep(ctx: ScenarioContext, conditions: Condition | Condition[], forExpr: string): Promise<StepOutcome> {
  const seconds = evaluateTime(forExpr, ctx.probeLookup);
  const held = await holdsFor(ctx.view, asList(conditions), seconds * 1000);
  return { observed: held.observed, measured: { heldSeconds: seconds } };
}
