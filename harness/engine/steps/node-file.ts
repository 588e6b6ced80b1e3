import { z } from 'zod';
import { describeMatcher, matches } from '../expect/match.js';
import { Duration, Matcher, StepBase } from '../scenario/schema-parts.js';
import type { ScenarioContext, StepOutcome } from '../scenario/context.js';
import { defineStep } from './define.js';
import { deferNodePathRemoval } from './host-paths.js';
import { retryWithin } from './retry.js';

const NodeFileStep = z.strictObject({
  ...StepBase,
  nodeFile: z.strictObject({
    /** The node the pod ran on (remembered even after the pod is deleted). */
    pod: z.string().min(1),
    /** May use ${NAMESPACE}, like the manifests. */
    path: z.string().min(1),
    expect: z.union([z.strictObject({ content: Matcher }), z.strictObject({ exists: z.literal(false) })]),
    /** When the scenario ends, remove the file (true, the default), nothing (false), or this path (e.g. the hostPath directory). */
    remove: z.union([z.boolean(), z.string().min(1)]).default(true),
  }),
  within: Duration.optional(),
});
type NodeFileStep = z.infer<typeof NodeFileStep>;

const NAMESPACE = '${NAMESPACE}';
/** The path removed when the scenario ends, as written (with ${NAMESPACE}); undefined for none. */
const removedPath = ({ nodeFile: f }: NodeFileStep) => (f.remove === false ? undefined : f.remove === true ? f.path : f.remove);

async function run(ctx: ScenarioContext, step: NodeFileStep): Promise<StepOutcome> {
  const { nodeFile: spec, within } = step;
  const node = ctx.view.lastSeenPods.get(spec.pod)?.spec?.nodeName;
  if (!node) throw new Error(`pod ${spec.pod} was never scheduled to a node, so there is no node file to read`);
  const path = spec.path.replaceAll(NAMESPACE, ctx.namespace);
  const removed = removedPath(step)?.replaceAll(NAMESPACE, ctx.namespace);
  if (removed && !deferNodePathRemoval(ctx, removed, spec.pod)) ctx.log(`nodeFile: ${removed} is not removed at the end: it does not name the namespace ${ctx.namespace}`);
  const want = spec.expect;
  const outcome = await retryWithin(within, async () => {
    let content: string;
    try {
      content = await ctx.nodes.readFile(node, path);
    } catch (e) {
      return { ok: 'exists' in want, seen: `no readable file (${(e as Error).message.split('\n')[0]})` };
    }
    return { ok: 'content' in want && matches(want.content, content), seen: `content ${JSON.stringify(shownContent(content))}` };
  }, ctx.signal);
  const what = `file ${path} on node ${node}`;
  if (!outcome.ok) throw new Error(`${what}: ${outcome.seen}, want ${'content' in want ? describeMatcher(want.content) : 'no file'}`);
  return { observed: `${what}: ${outcome.seen}` };
}

/** Reads a file on the node where a pod ran (even after the pod was deleted). */
export const nodeFileStep = defineStep({
  key: 'nodeFile',
  schema: NodeFileStep,
  run,
  summary: (step) => `node file ${step.nodeFile.path}`,
  acts: false,
  podRefs: (step) => [{ path: '.nodeFile.pod', pod: step.nodeFile.pod }],
  check: (step, { at }) => {
    const removed = removedPath(step);
    if (removed === undefined || (removed.startsWith('/') && removed.includes(NAMESPACE))) return [];
    return [`${at}.nodeFile.remove: removes ${removed} on the node when the scenario ends; only an absolute path naming this run's ${NAMESPACE} is removed (or set remove: false)`];
  },
});

/** The file as a failure shows it: whole up to 1000 characters, else its start and its end (where appended lines go). */
export function shownContent(content: string): string {
  if (content.length <= 1000) return content;
  return `${content.slice(0, 300)} … (${content.length - 1000} characters left out) … ${content.slice(-700)}`;
}
