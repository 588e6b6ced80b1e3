import type { Restartable } from '../../engine/cluster-access.js';
import { startLocalDaemon, stopLocalDaemon, type LocalDaemonSpec } from './daemon-control.js';
import type { LocalNodeControl } from './node-control.js';

/**
 * The components a `restart` step stops and starts on the local provider (any number of nodes):
 * the API server (its clients, the suite's watches among them, lose it until it is back) and each
 * node's kubelet (its pods' containers keep running meanwhile).
 */
export interface LocalComponents {
  apiserver: LocalDaemonSpec;
  kubelets: LocalNodeControl;
}

export function localComponentControl(components: LocalComponents): (component: Restartable, node: string, action: 'stop' | 'start', signal?: AbortSignal) => Promise<void> {
  return async (component, node, action, signal) => {
    let label: string;
    let spec: LocalDaemonSpec | undefined;
    if (component === 'kube-apiserver') {
      label = 'the API server';
      spec = components.apiserver;
    } else {
      label = `the kubelet of node ${node}`;
      spec = components.kubelets[node];
      if (!spec) throw new Error(`node ${node} has no kubelet the local provider can restart (${Object.keys(components.kubelets).join(', ')})`);
    }
    await (action === 'stop' ? stopLocalDaemon(label, spec) : startLocalDaemon(label, spec, signal));
  };
}
