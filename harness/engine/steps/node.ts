import { z } from 'zod';
import type { ScenarioContext, StepOutcome } from '../scenario/context.js';
import { StepBase } from '../scenario/schema-parts.js';
import { defineStep } from './define.js';

/** Stops or starts the node a pod runs on (needs: {nodeControl: true}): a node failure on demand. */
const NodeStep = z.strictObject({
  ...StepBase,
  node: z.strictObject({
    /** The node that pod was scheduled to (remembered after the pod is gone). */
    of: z.string().min(1),
    action: z.enum(['stop', 'start']),
  }),
});
type NodeStep = z.infer<typeof NodeStep>;

async function run(ctx: ScenarioContext, { node: spec }: NodeStep): Promise<StepOutcome> {
  const node = ctx.view.lastSeenPods.get(spec.of)?.spec?.nodeName;
  if (!node) throw new Error(`pod ${spec.of} was never scheduled to a node, so there is no node to ${spec.action}`);
  if (!ctx.nodes.control) throw new Error(`this provider cannot ${spec.action} a node (declare needs: {nodeControl: true} so it is reported as not run)`);
  const control = ctx.nodes.control;
  await control(node, spec.action, ctx.signal);
  // A stopped node is started again when the scenario ends, even if a later step fails first.
  if (spec.action === 'stop') ctx.cleanup.defer(`node:${node}`, `start node ${node} (stopped by this scenario)`, () => control(node, 'start'));
  else ctx.cleanup.cancel(`node:${node}`);
  return { observed: `node ${node} (of pod ${spec.of}): ${spec.action === 'stop' ? 'stopped' : 'started'}` };
}

/** Stops or starts the node a pod was scheduled to, through the provider's node control. */
export const nodeStep = defineStep({
  key: 'node',
  schema: NodeStep,
  run,
  summary: (step) => `the node of ${step.node.of} to ${step.node.action}`,
  acts: true,
  podRefs: (step) => [{ path: '.node.of', pod: step.node.of }],
  disruptsCluster: true,
});
