import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
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
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await kube.core.readNamespacedServiceAccount({ name: 'default', namespace: name });
      return;
    } catch (e) {
      if (apiStatus(e) !== 404 || Date.now() > deadline) throw e;
    }
    await delay(200);
  }
}

/** Deletes the namespace and, if wait is set, waits until it is gone. */
export async function deleteNamespace(kube: Kube, name: string, waitMs = 0): Promise<void> {
  try {
    await kube.core.deleteNamespace({ name });
  } catch (e) {
    if (apiStatus(e) === 404) return;
    throw e;
  }
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    try {
      await kube.core.readNamespace({ name });
    } catch (e) {
      if (apiStatus(e) === 404) return;
    }
    await delay(500);
  }
}
