import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { RESTARTABLE } from '../cluster-access.js';
import type { ScenarioContext, StepOutcome } from '../scenario/context.js';
import { StepBase, TimeExpr } from '../scenario/schema-parts.js';
import { checkTimeExpr, evaluateTime } from '../scenario/time-expr.js';
import { defineStep } from './define.js';
import { STATUS_BACKLOG_MS } from '../observe/timeline.js';

/**
 * Restarts a cluster component mid-scenario (needs: {componentRestart: true}, the local provider):
 * the API server, or the kubelet of the node a pod runs on. It is stopped, left down for `downFor`,
 * started again and waited for until healthy. The time it was down, and the status backlog after
 * it, is a gap on the timeline: no verdict rests on a moment in it (docs/faults.md).
 */
const RestartStep = z.strictObject({
  ...StepBase,
  restart: z.strictObject({
    component: z.enum(RESTARTABLE),
    /** kubelet: the pod whose node's kubelet restarts. */
    of: z.string().min(1).optional(),
    /** How long it stays stopped before it is started again. */
    downFor: TimeExpr.default('0s'),
  }),
});
type RestartStep = z.infer<typeof RestartStep>;

async function run(ctx: ScenarioContext, { restart: spec }: RestartStep): Promise<StepOutcome> {
  const control = ctx.nodes.components;
  if (!control) throw new Error(`this provider cannot restart ${spec.component} (declare needs: {componentRestart: true} so it is reported as not run)`);
  const node = spec.of ? ctx.view.lastSeenPods.get(spec.of)?.spec?.nodeName : '';
  if (node === undefined) throw new Error(`pod ${spec.of} was never scheduled to a node, so there is no kubelet to restart`);
  const label = spec.component === 'kube-apiserver' ? 'kube-apiserver' : `kubelet of ${node}`;
  const downMs = evaluateTime(spec.downFor, ctx.probeLookup) * 1000;
  const timeline = ctx.view.timeline;
  const gap = timeline.startGap(label, `${label} down`, STATUS_BACKLOG_MS, `stopping ${label} (restart step)`);
  const began = Date.now();
  await control(spec.component, node, 'stop', ctx.signal);
  // Started again when the scenario ends, even if it is aborted while the component is down.
  const key = `restart:${label}`;
  ctx.cleanup.defer(key, `start ${label} (stopped by this scenario)`, () => control(spec.component, node, 'start'));
  const stopped = Date.now();
  await sleep(downMs, undefined, { signal: ctx.signal });
  await control(spec.component, node, 'start', ctx.signal);
  ctx.cleanup.cancel(key);
  timeline.endGap(gap, label, `${label} healthy again`);
  const s = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
  return { observed: `${label} stopped in ${s(stopped - began)}, down ${s(Date.now() - began)} in all (${s(downMs)} on purpose), healthy again` };
}

export const restartStep = defineStep({
  key: 'restart',
  schema: RestartStep,
  run,
  summary: (step) => `${step.restart.component}${step.restart.of ? ` of ${step.restart.of}` : ''} to restart`,
  acts: true,
  podRefs: (step) => (step.restart.of ? [{ path: '.restart.of', pod: step.restart.of }] : []),
  check: (step, { at }) => {
    const problems: string[] = [];
    if (step.restart.component === 'kubelet' && !step.restart.of) problems.push(`${at}.restart.of: a kubelet restart names a pod of the scenario (its node's kubelet restarts)`);
    if (step.restart.component === 'kube-apiserver' && step.restart.of) problems.push(`${at}.restart.of: the API server is not a node's; leave "of" out`);
    const err = checkTimeExpr(step.restart.downFor);
    if (err) problems.push(`${at}.restart.downFor: ${err}`);
    return problems;
  },
  disruptsCluster: true,
});
