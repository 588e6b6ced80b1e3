import { z } from 'zod';
import { holdsFor } from '../expect/wait.js';
import { Timeline } from '../observe/timeline.js';
import { Condition, StepBase, TimeExpr } from '../scenario/schema-parts.js';
import type { ScenarioContext, StepOutcome } from '../scenario/context.js';
import { checkTimeExpr, evaluateTime } from '../scenario/time-expr.js';
import { asList, conditionKindProblems, conditionPodRefs, describeConditions } from './conditions.js';
import { defineStep } from './define.js';

/** Never (the other way round): the condition(s) stay true for the whole window. */
const HoldsStep = z.strictObject({
  ...StepBase,
  holds: z.union([Condition, z.array(Condition).min(1)]),
  for: TimeExpr,
});
type HoldsStep = z.infer<typeof HoldsStep>;

async function run(ctx: ScenarioContext, step: HoldsStep): Promise<StepOutcome> {
  const seconds = evaluateTime(step.for, ctx.probeLookup);
  const timeline = ctx.view.timeline;
  const from = Date.now() - timeline.startedAt;
  const held = await holdsFor(ctx.view, asList(step.holds), seconds * 1000, ctx.signal);
  // Held as far as the watches saw: a violation while they were lost would not have been seen.
  const unseen = timeline.gapsOverlapping(from, Date.now() - timeline.startedAt);
  if (unseen.length > 0) {
    throw new Error(`no verdict: held as far as was seen, but part of the time nobody saw (${unseen.map((g) => Timeline.gapText(g)).join('; ')}); a violation then would not have been seen`);
  }
  return { observed: held.observed, measured: { heldSeconds: seconds } };
}

export const holdsStep = defineStep({
  key: 'holds',
  schema: HoldsStep,
  run,
  summary: (step) => `${describeConditions(step.holds)} to keep holding for ${step.for}`,
  acts: false,
  podRefs: (step) => conditionPodRefs(step.holds, 'holds'),
  check: (step, { at }) => {
    const err = checkTimeExpr(step.for);
    return err ? [`${at}.for: ${err}`] : [];
  },
  checkRaw: (raw, at) => conditionKindProblems(raw, 'holds', at),
});
