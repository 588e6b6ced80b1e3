import { describe, expect, it } from '@jest/globals';
import type * as k8s from '@kubernetes/client-node';
import { checkCondition } from '../../harness/engine/expect/conditions.js';
import type { ClusterView } from '../../harness/engine/observe/recorder.js';
import { Timeline } from '../../harness/engine/observe/timeline.js';

function view(containerID: string, firstID: string): ClusterView {
  const pod = { metadata: { name: 'p' }, status: { containerStatuses: [{ name: 'c', containerID, restartCount: 1, ready: true, image: 'i', imageID: 'i' }] } } as k8s.V1Pod;
  const pods = new Map([['p', pod]]);
  return { pods, lastSeenPods: pods, firstSeen: new Map([['p/c', firstID]]), events: [], slices: [], timeline: new Timeline() };
}

describe('container conditions', () => {
  it('idChanged compares the container ID with the first one seen', () => {
    expect(checkCondition({ pod: 'p', containers: { c: { idChanged: true } } }, view('containerd://b', 'containerd://a')).ok).toBe(true);
    expect(checkCondition({ pod: 'p', containers: { c: { idChanged: true } } }, view('containerd://a', 'containerd://a')).ok).toBe(false);
  });
});

describe('restartCountNeverDecreased', () => {
  it('reads every restartCount the watch recorded for the container, in order', () => {
    const rising = view('containerd://b', 'containerd://a');
    for (const n of [1, 2, 3]) rising.timeline.add('container', 'p/c', `restartCount ${n}`);
    const check = checkCondition({ pod: 'p', containers: { c: { restartCountNeverDecreased: true } } }, rising);
    expect(check).toMatchObject({ ok: true, observed: 'pod p: c.restartCountNeverDecreased (seen 1, 2, 3)=true' });
    const dropped = view('containerd://b', 'containerd://a');
    for (const n of [1, 2, 0, 1]) dropped.timeline.add('container', 'p/c', `restartCount ${n}`);
    dropped.timeline.add('container', 'p/other', 'restartCount 9');
    expect(checkCondition({ pod: 'p', containers: { c: { restartCountNeverDecreased: true } } }, dropped)).toMatchObject({ ok: false, observed: expect.stringContaining('c.restartCountNeverDecreased (seen 1, 2, 0, 1) is false, want true') });
  });
});
