import * as k8s from '@kubernetes/client-node';
import { apiMessage, apiStatus } from '../k8s/client.js';
import type { ScenarioContext } from '../scenario/context.js';

/**
 * An object applied with `metadata.finalizers` (e.g. to keep a deleted pod readable until its
 * final phase is seen) would keep the scenario's namespace from ever going away. Apply registers
 * removing those finalizers when the scenario ends, however it ends.
 */
export function deferFinalizerRemovals(ctx: ScenarioContext, objects: k8s.KubernetesObject[]): void {
  for (const obj of objects) {
    if (!obj.metadata?.finalizers?.length || !obj.metadata.name) continue;
    const ref = { apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace ?? ctx.namespace } };
    const what = `${obj.kind}/${obj.metadata.name}`;
    ctx.cleanup.defer(`finalizers:${what}`, `removing the finalizers of ${what}`, async () => {
      try {
        await ctx.kube.objects.patch({ ...ref, metadata: { ...ref.metadata, finalizers: null } } as unknown as k8s.KubernetesObject, undefined, undefined, undefined, undefined, k8s.PatchStrategy.MergePatch);
      } catch (e) {
        if (apiStatus(e) === 404) return;
        throw new Error(`${what}: ${apiMessage(e)}`);
      }
    });
  }
}
