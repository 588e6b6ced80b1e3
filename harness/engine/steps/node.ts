import type { ScenarioContext, StepOutcome } from '../scenario/context.js';

export interface NodeSpec {
  of: string;
  action: 'stop' | 'start';
}

/** Stops or starts the node a pod was scheduled to, through the provider's node control. */
export async function nodeStep(ctx: ScenarioContext, spec: NodeSpec): Promise<StepOutcome> {
  const node = ctx.view.lastSeenPods.get(spec.of)?.spec?.nodeName;
  if (!node) throw new Error(`pod ${spec.of} was never scheduled to a node, so there is no node to ${spec.action}`);
  if (!ctx.nodes.control) throw new Error(`this provider cannot ${spec.action} a node (declare needs: {nodeControl: true} so it is reported as not run)`);
  const control = ctx.nodes.control;
  await control(node, spec.action);
  // A stopped node is started again when the scenario ends, even if a later step fails first.
  if (spec.action === 'stop') ctx.cleanup.defer(`node:${node}`, `start node ${node} (stopped by this scenario)`, () => control(node, 'start'));
  else ctx.cleanup.cancel(`node:${node}`);
  return { observed: `node ${node} (of pod ${spec.of}): ${spec.action === 'stop' ? 'stopped' : 'started'}` };
}
