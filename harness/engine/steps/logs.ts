import { describeMatcher, matches } from '../expect/match.js';
import { z } from 'zod';
import { Duration, Matcher, StepBase } from '../scenario/schema-parts.js';
import type { ScenarioContext, StepOutcome } from '../scenario/context.js';
import { defineStep } from './define.js';
import { containerOf } from './exec.js';
import { retryWithin } from './retry.js';

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
type LogsStep = z.infer<typeof LogsStep>;

/**
 * Logs reach the runtime's log file a moment after what they describe (the kubelet can report a
 * probe's failure before the app's own line about that request is written), so a logs step
 * re-reads for this long unless it says otherwise.
 */
const LOGS_DEFAULT_WITHIN = '10s';

async function run(ctx: ScenarioContext, { logs: spec, within = LOGS_DEFAULT_WITHIN }: LogsStep): Promise<StepOutcome> {
  const container = containerOf(ctx, spec.pod, spec.container);
  const outcome = await retryWithin(within, async () => {
    let text: string;
    try {
      text = String(await ctx.kube.core.readNamespacedPodLog({ name: spec.pod, namespace: ctx.namespace, container, previous: spec.previous }));
    } catch (e) {
      return { ok: false, seen: `no log (${(e as Error).message.split('\n')[0]})` };
    }
    const lines = text.trimEnd().split('\n');
    return { ok: matches(spec.expect, text), seen: `${lines.length} line(s), last: ${JSON.stringify(lines.at(-1)?.slice(0, 160) ?? '')}` };
  }, ctx.signal);
  const what = `${spec.previous ? 'previous ' : ''}log of ${spec.pod}/${container}`;
  if (!outcome.ok) throw new Error(`${what}: ${outcome.seen}, want ${describeMatcher(spec.expect)}`);
  return { observed: `${what}: ${outcome.seen}` };
}

/** A container's log (or the previous container's, like kubectl logs --previous) must match. */
export const logsStep = defineStep({
  key: 'logs',
  schema: LogsStep,
  run,
  summary: (step) => `logs of ${step.logs.pod}${step.logs.previous ? ' (previous)' : ''}`,
  acts: false,
  podRefs: (step) => [{ path: '.logs.pod', pod: step.logs.pod, ...(step.logs.container ? { containers: [step.logs.container] } : {}) }],
});
