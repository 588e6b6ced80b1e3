/**
 * What the engine needs from a cluster besides its API server, defined here and implemented by
 * each provider (harness/cluster/<provider>/): files on a node, stopping and starting a node, the
 * node logs worth quoting as evidence, and where the demo images are pulled from.
 */
export type { ImageRewrite } from './k8s/image-refs.js';

/** Cluster components a `restart` step can stop and start (faults the run must survive). */
export const RESTARTABLE = ['kube-apiserver', 'kubelet'] as const;
export type Restartable = (typeof RESTARTABLE)[number];

export interface NodeAccess {
  readFile(node: string, path: string): Promise<string>;
  remove(node: string, path: string): Promise<void>;
  /**
   * Stops or starts a whole node (a node failure on demand); absent where the provider cannot.
   * The signal (a scenario's) ends the wait for a started node to be up.
   */
  control?: (node: string, action: 'stop' | 'start', signal?: AbortSignal) => Promise<void>;
  /**
   * Stops or starts a component: the API server, or the kubelet of `node`; absent where the
   * provider cannot (only the local provider runs them as processes it owns).
   */
  components?: (component: Restartable, node: string, action: 'stop' | 'start', signal?: AbortSignal) => Promise<void>;
}

/** Node access for a provider that has none: every use fails with the reason. */
export function noNodeAccess(reason: string): NodeAccess {
  const fail = async (): Promise<never> => {
    throw new Error(`node files cannot be read with this provider: ${reason}`);
  };
  return { readFile: fail, remove: fail };
}
