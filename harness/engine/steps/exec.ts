import { execInContainer } from '../k8s/exec.js';
import { describeMatcher, matches } from '../expect/match.js';
import type { Matcher } from '../scenario/schema.js';
import type { ScenarioContext, StepOutcome } from '../scenario/context.js';
import { retryWithin } from './retry.js';

export interface ExecSpec {
  pod: string;
  container?: string | undefined;
  command: string[];
  expect?: { exitCode?: Matcher | undefined; stdout?: Matcher | undefined; stderr?: Matcher | undefined } | undefined;
}

/** The named container, or the pod's first one. */
export function containerOf(ctx: ScenarioContext, pod: string, container?: string): string {
  if (container) return container;
  const first = ctx.view.pods.get(pod)?.spec?.containers[0]?.name;
  if (!first) throw new Error(`pod ${pod} not found (or has no containers) in namespace ${ctx.namespace}`);
  return first;
}

const clip = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}…` : s).trimEnd();

export async function execStep(ctx: ScenarioContext, spec: ExecSpec, within?: string): Promise<StepOutcome> {
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
