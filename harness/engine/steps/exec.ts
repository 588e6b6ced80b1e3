import { execInContainer } from '../k8s/exec.js';
import { describeMatcher, matches } from '../expect/match.js';
import { z } from 'zod';
import { Duration, Matcher, StepBase } from '../scenario/schema-parts.js';
import type { ScenarioContext, StepOutcome } from '../scenario/context.js';
import { defineStep } from './define.js';
import { retryWithin } from './retry.js';

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
type ExecStep = z.infer<typeof ExecStep>;

/** The named container, or the pod's first one. */
export function containerOf(ctx: ScenarioContext, pod: string, container?: string): string {
  if (container) return container;
  const first = ctx.view.pods.get(pod)?.spec?.containers[0]?.name;
  if (!first) throw new Error(`pod ${pod} not found (or has no containers) in namespace ${ctx.namespace}`);
  return first;
}

const clip = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}…` : s).trimEnd();

async function run(ctx: ScenarioContext, { exec: spec, within }: ExecStep): Promise<StepOutcome> {
  const container = containerOf(ctx, spec.pod, spec.container);
  const want = { exitCode: 0 as Matcher, ...spec.expect };
  const outcome = await retryWithin(within, async () => {
    const r = await execInContainer(ctx.kube, ctx.namespace, spec.pod, container, spec.command);
    const bad: string[] = [];
    for (const key of ['exitCode', 'stdout', 'stderr'] as const) {
      const m = want[key];
      if (m !== undefined && !matches(m, r[key])) bad.push(`${key} ${JSON.stringify(clip(String(r[key])))}, want ${describeMatcher(m)}`);
    }
    const seen = `exit ${r.exitCode}${r.stdout ? `, stdout ${JSON.stringify(clip(r.stdout))}` : ''}${r.stderr ? `, stderr ${JSON.stringify(clip(r.stderr))}` : ''}`;
    return { ok: bad.length === 0, seen, bad };
  }, ctx.signal);
  const what = `exec in ${spec.pod}/${container}: ${spec.command.join(' ')}`;
  if (!outcome.ok) throw new Error(`${what}: ${outcome.bad.join('; ')} (after ${outcome.attempts} attempt(s))`);
  return { observed: `${what} -> ${outcome.seen}` };
}

/** Runs a command in a container; its exit code and output must match. */
export const execStep = defineStep({
  key: 'exec',
  schema: ExecStep,
  run,
  summary: (step) => `exec in ${step.exec.pod}: ${step.exec.command.join(' ')}`,
  acts: true,
  podRefs: (step) => [{ path: '.exec.pod', pod: step.exec.pod, ...(step.exec.container ? { containers: [step.exec.container] } : {}) }],
});
