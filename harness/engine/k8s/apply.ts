import * as k8s from '@kubernetes/client-node';
import { apiMessage, apiRefusal, type ApiRefusal, type Kube } from './client.js';

/** An apply the API server refused; carries its Status for steps that expect the refusal. */
export class ApplyRefused extends Error {
  constructor(
    readonly object: string,
    readonly refusal: ApiRefusal | undefined,
    cause: unknown,
  ) {
    super(`apply ${object}: ${apiMessage(cause)}`, { cause });
    this.name = 'ApplyRefused';
  }
}

const FIELD_MANAGER = 'probe-conformance';

/** Server-side apply of each object, in order. */
export async function applyObjects(kube: Kube, objects: k8s.KubernetesObject[]): Promise<void> {
  for (const obj of objects) {
    try {
      await kube.objects.patch(obj, undefined, undefined, FIELD_MANAGER, true, k8s.PatchStrategy.ServerSideApply);
    } catch (e) {
      throw new ApplyRefused(`${obj.kind}/${obj.metadata?.name}`, apiRefusal(e), e);
    }
  }
}
