import * as k8s from '@kubernetes/client-node';
import { apiMessage, type Kube } from './client.js';

const FIELD_MANAGER = 'probe-conformance';

/** Server-side apply of each object, in order. */
export async function applyObjects(kube: Kube, objects: k8s.KubernetesObject[]): Promise<void> {
  for (const obj of objects) {
    try {
      await kube.objects.patch(obj, undefined, undefined, FIELD_MANAGER, true, k8s.PatchStrategy.ServerSideApply);
    } catch (e) {
      throw new Error(`apply ${obj.kind}/${obj.metadata?.name}: ${apiMessage(e)}`);
    }
  }
}
