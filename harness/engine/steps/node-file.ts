import { describeMatcher, matches } from '../expect/match.js';
import type { Matcher } from '../scenario/schema.js';
import type { ScenarioContext, StepOutcome } from '../scenario/context.js';
import { retryWithin } from './retry.js';

export interface NodeFileSpec {
  pod: string;
  path: string;
  expect: { content: Matcher } | { exists: false };
  remove: boolean | string;
}

/** Reads a file on the node where a pod ran (even after the pod was deleted). */
export async function nodeFileStep(ctx: ScenarioContext, spec: NodeFileSpec, within?: string): Promise<StepOutcome> {
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
