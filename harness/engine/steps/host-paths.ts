import { posix } from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import type { ClusterView } from '../observe/recorder.js';
import type { ScenarioContext } from '../scenario/context.js';

/**
 * Files that a scenario's pods leave on their nodes (hostPath volumes) are removed when the
 * scenario ends, however it ends, and only when their path names the scenario's namespace (the
 * manifests' ${NAMESPACE}): a path shared with anything else is never touched.
 */

/** The absolute path up to its first segment naming the namespace; undefined when none does. */
export function scenarioPathRoot(path: string, namespace: string): string | undefined {
  if (!namespace || !path.startsWith('/')) return undefined;
  const segments = posix.normalize(path).split('/');
  const i = segments.findIndex((s) => s.includes(namespace));
  return i > 0 ? segments.slice(0, i + 1).join('/') : undefined;
}

/** Every hostPath path in the objects (pods and pod templates). */
export function hostPathsOf(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) hostPathsOf(v, out);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      const path = key === 'hostPath' ? (v as { path?: unknown } | null)?.path : undefined;
      if (typeof path === 'string') out.push(path);
      else hostPathsOf(v, out);
    }
  }
  return out;
}

const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

/** The nodes of the pods (seen so far, deleted ones included) that mount a hostPath overlapping `path`, plus the node of `pod`. */
export function nodesUsing(view: ClusterView, path: string, pod?: string): string[] {
  const nodes = new Set<string>();
  const ofPod = pod ? view.lastSeenPods.get(pod)?.spec?.nodeName : undefined;
  if (ofPod) nodes.add(ofPod);
  for (const p of view.lastSeenPods.values()) {
    const node = p.spec?.nodeName;
    const mounts = (p.spec?.volumes ?? []).some((v: k8s.V1Volume) => v.hostPath?.path !== undefined && overlaps(posix.normalize(v.hostPath.path), path));
    if (node && mounts) nodes.add(node);
  }
  return [...nodes];
}

/**
 * Registers removing `path` on the nodes that used it when the scenario ends (once per path);
 * false, and nothing registered, when the path does not name the scenario's namespace.
 */
export function deferNodePathRemoval(ctx: ScenarioContext, path: string, pod?: string): boolean {
  const target = posix.normalize(path);
  if (!scenarioPathRoot(target, ctx.namespace)) return false;
  ctx.nodePathJournal?.pending(ctx.namespace, target);
  ctx.cleanup.defer(`node-path:${target}`, `remove ${target} on the nodes that used it`, async () => {
    for (const node of nodesUsing(ctx.view, target, pod)) {
      await ctx.nodes.remove(node, target).catch((e: unknown) => ctx.log(`cleanup: ${target} not removed on node ${node}: ${e instanceof Error ? e.message : String(e)}`));
    }
    ctx.nodePathJournal?.done(ctx.namespace, target);
  }, 'afterNamespace');
  return true;
}

/** For the hostPath volumes of objects about to be applied: their scenario directories are removed at the end. */
export function deferHostPathRemovals(ctx: ScenarioContext, objects: k8s.KubernetesObject[]): void {
  const roots = new Set(hostPathsOf(objects).flatMap((p) => scenarioPathRoot(p, ctx.namespace) ?? []));
  for (const root of roots) deferNodePathRemoval(ctx, root);
}
