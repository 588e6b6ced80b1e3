import { startLocalDaemon, stopLocalDaemon, type LocalDaemonSpec } from './daemon-control.js';

/**
 * Node failure on demand for the local provider (2+ nodes): "stopping a node" stops its kubelet
 * (SIGTERM, SIGKILL after 10 s). Its containerd and the pods' containers keep running, as on a
 * node cut off from the network: the control plane only sees the node stop reporting. "Starting"
 * runs the same kubelet command line again.
 */
/** Node name -> how to stop and start its kubelet. */
export type LocalNodeControl = Record<string, LocalDaemonSpec>;

export function localNodeControl(nodes: LocalNodeControl): (node: string, action: 'stop' | 'start', signal?: AbortSignal) => Promise<void> {
  return async (node, action, signal) => {
    const kubelet = nodes[node];
    if (!kubelet) throw new Error(`node ${node} is not one the local provider can stop and start (${Object.keys(nodes).join(', ') || 'none'})`);
    const label = `the kubelet of node ${node}`;
    await (action === 'stop' ? stopLocalDaemon(label, kubelet) : startLocalDaemon(label, kubelet, signal));
  };
}
