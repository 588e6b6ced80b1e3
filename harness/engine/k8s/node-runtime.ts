import type { Kube } from './client.js';

/** The nodes' container runtime as they report it (e.g. `containerd://1.6.20`); several joined when they differ. */
export async function nodeRuntime(kube: Kube): Promise<string | undefined> {
  const nodes = (await kube.core.listNode()).items;
  const runtimes = [...new Set(nodes.map((n) => n.status?.nodeInfo?.containerRuntimeVersion).filter((r): r is string => !!r))];
  return runtimes.length ? runtimes.join(', ') : undefined;
}
