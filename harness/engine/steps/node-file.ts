import { z } from 'zod';
import { describeMatcher, matches } from '../expect/match.js';
import { Duration, Matcher, StepBase } from '../scenario/schema-parts.js';
import type { ScenarioContext, StepOutcome } from '../scenario/context.js';
import { defineStep } from './define.js';
import { retryWithin } from './retry.js';

const NodeFileStep = z.strictObject({
  ...StepBase,
  nodeFile: z.strictObject({
    /** The node the pod ran on (remembered even after the pod is deleted). */
    pod: z.string().min(1),
    /** May use ${NAMESPACE}, like the manifests. */
    path: z.string().min(1),
    expect: z.union([z.strictObject({ content: Matcher }), z.strictObject({ exists: z.literal(false) })]),
    /** After the check, remove the file (true, the default), nothing (false), or this path (e.g. the hostPath directory). */
    remove: z.union([z.boolean(), z.string().min(1)]).default(true),
  }),
  within: Duration.optional(),
});
type NodeFileStep = z.infer<typeof NodeFileStep>;

async function run(ctx: ScenarioContext, { nodeFile: spec, within }: NodeFileStep): Promise<StepOutcome> {
  const node = ctx.view.lastSeenPods.get(spec.pod)?.spec?.nodeName;
  if (!node) throw new Error(`pod ${spec.pod} was never scheduled to a node, so there is no node file to read`);
  const path = spec.path.replaceAll('${NAMESPACE}', ctx.namespace);
  const want = spec.expect;
  try {
    const outcome = await retryWithin(within, async () => {
      let content: string;
      try {
        content = await ctx.nodes.readFile(node, path);
      } catch (e) {
        return { ok: 'exists' in want, seen: `no readable file (${(e as Error).message.split('\n')[0]})` };
      }
      return { ok: 'content' in want && matches(want.content, content), seen: `content ${JSON.stringify(content.slice(0, 200))}` };
    }, ctx.signal);
    const what = `file ${path} on node ${node}`;
    if (!outcome.ok) throw new Error(`${what}: ${outcome.seen}, want ${'content' in want ? describeMatcher(want.content) : 'no file'}`);
    return { observed: `${what}: ${outcome.seen}` };
  } finally {
    if (spec.remove !== false) {
      const target = typeof spec.remove === 'string' ? spec.remove.replaceAll('${NAMESPACE}', ctx.namespace) : path;
      await ctx.nodes.remove(node, target).catch(() => undefined);
    }
  }
}

/** Reads a file on the node where a pod ran (even after the pod was deleted). */
export const nodeFileStep = defineStep({
  key: 'nodeFile',
  schema: NodeFileStep,
  run,
  summary: (step) => `node file ${step.nodeFile.path}`,
  acts: false,
});
