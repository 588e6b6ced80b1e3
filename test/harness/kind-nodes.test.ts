import { describe, expect, it } from '@jest/globals';
import type { V1Node, V1NodeSystemInfo } from '@kubernetes/client-node';
import { summarizeNodes } from '../../harness/cluster/kind/kind-nodes.js';

function node(name: string, ready: 'True' | 'False' | undefined, controlPlane = false, reason = 'KubeletNotReady', message = ''): V1Node {
  return {
    metadata: { name, labels: controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {} },
    status: {
      conditions: ready === undefined ? [] : [{ type: 'Ready', status: ready, reason: ready === 'True' ? 'KubeletReady' : reason, message }],
      nodeInfo: { kubeletVersion: 'v1.36.1' } as V1NodeSystemInfo,
    },
  };
}

describe('summarizeNodes', () => {
  it('is ready when every expected node is Ready, control-plane first, with the kubelet version', () => {
    const s = summarizeNodes([node('probe-x-worker', 'True'), node('probe-x-control-plane', 'True', true)], 2);
    expect(s).toEqual({ ready: true, names: ['probe-x-control-plane', 'probe-x-worker'], kubeletVersion: 'v1.36.1', detail: '2 node(s) Ready' });
  });

  it('is not ready while a node is missing or NotReady, and says which', () => {
    expect(summarizeNodes([], 1)).toMatchObject({ ready: false, detail: '0 of 1 node(s) registered' });
    const s = summarizeNodes([node('probe-x-control-plane', 'True', true), node('probe-x-worker', 'False', false, 'KubeletNotReady', 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady')], 3);
    expect(s.ready).toBe(false);
    expect(s.detail).toBe('2 of 3 node(s) registered; not Ready: probe-x-worker KubeletNotReady: container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady');
    expect(summarizeNodes([node('probe-x-control-plane', undefined, true)], 1).detail).toBe('not Ready: probe-x-control-plane has no Ready condition yet');
  });
});
