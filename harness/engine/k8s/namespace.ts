import { randomBytes } from 'node:crypto';
import { waitAtMost, waitFor } from '../../common/wait.js';
import { apiStatus, type Kube } from './client.js';

export const NAMESPACE_LABEL = 'probe-conformance.io/run';

/** A DNS-1123 namespace name from a scenario id plus a random suffix. */
export function namespaceName(scenarioId: string): string {
  const base = scenarioId.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40).replace(/-+$/, '');
  return `pc-${base}-${randomBytes(3).toString('hex')}`;
}

/** Creates the namespace and waits until its default ServiceAccount exists (pods need it). */
export async function createNamespace(kube: Kube, name: string, runId: string, timeoutMs = 60_000): Promise<void> {
  await kube.core.createNamespace({ body: { metadata: { name, labels: { [NAMESPACE_LABEL]: runId } } } });
  // The service account controller creates it shortly after the namespace: a 404 means not yet.
  await waitFor(
    async () => {
      await kube.core.readNamespacedServiceAccount({ name: 'default', namespace: name });
      return true;
    },
    { what: `the default ServiceAccount of namespace ${name}`, until: 'created', timeoutMs, intervalMs: 200, retryOn: (e) => apiStatus(e) === 404 },
  );
}

/** Deletes the namespace and, if wait is set, waits until it is gone. */
export async function deleteNamespace(kube: Kube, name: string, waitMs = 0): Promise<void> {
  try {
    await kube.core.deleteNamespace({ name });
  } catch (e) {
    if (apiStatus(e) === 404) return;
    throw e;
  }
  if (waitMs <= 0) return;
  // Gone is a 404; any other answer (or error) means not yet. Still there after waitMs: give up quietly.
  await waitAtMost(
    async () => {
      try {
        await kube.core.readNamespace({ name });
        return false;
      } catch (e) {
        return apiStatus(e) === 404;
      }
    },
    { what: `namespace ${name} gone`, timeoutMs: waitMs, intervalMs: 500 },
  );
}
