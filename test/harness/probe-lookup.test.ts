import { describe, expect, test } from '@jest/globals';
import type { ClusterView } from '../../harness/engine/observe/recorder.js';
import { probeLookupFor } from '../../harness/engine/scenario/probe-lookup.js';
import { evaluateTime } from '../../harness/engine/scenario/time-expr.js';

function viewOf(pods: { name: string; grace?: number; probe: Record<string, number> }[]): ClusterView {
  const lastSeenPods = new Map(
    pods.map((p) => [
      p.name,
      { metadata: { name: p.name }, spec: { terminationGracePeriodSeconds: p.grace, containers: [{ name: 'app', livenessProbe: p.probe }] } },
    ]),
  );
  return { lastSeenPods } as unknown as ClusterView;
}

describe('probe fields in time expressions', () => {
  test('unset fields take the defaults; the grace period falls back to the pod, then 30 s', () => {
    const lookup = probeLookupFor(viewOf([{ name: 'a', grace: 5, probe: {} }]));
    expect(evaluateTime('liveness[app].periodSeconds * liveness[app].failureThreshold', lookup)).toBe(30);
    expect(evaluateTime('liveness[app].terminationGracePeriodSeconds', lookup)).toBe(5);
    expect(evaluateTime('liveness[app].terminationGracePeriodSeconds', probeLookupFor(viewOf([{ name: 'b', probe: {} }])))).toBe(30);
  });

  test('a container name shared by pods with different settings must name the pod', () => {
    const lookup = probeLookupFor(viewOf([{ name: 'fast', probe: { periodSeconds: 2 } }, { name: 'slow', probe: { periodSeconds: 20 } }]));
    expect(() => evaluateTime('liveness[app].periodSeconds', lookup)).toThrow(/differs between pods fast, slow: write liveness\[<pod>\/app\]/);
    expect(evaluateTime('liveness[slow/app].periodSeconds', lookup)).toBe(20);
    expect(evaluateTime('liveness[fast/app].periodSeconds', lookup)).toBe(2);
  });
});

describe('probes of restartable init containers (sidecars)', () => {
  test('startup[c] and liveness[c] find a container of initContainers too', () => {
    const view = {
      lastSeenPods: new Map([
        ['p', { metadata: { name: 'p' }, spec: { containers: [{ name: 'main' }], initContainers: [{ name: 'sidecar', restartPolicy: 'Always', startupProbe: { periodSeconds: 3, failureThreshold: 5 } }] } }],
      ]),
    } as unknown as ClusterView;
    const lookup = probeLookupFor(view);
    expect(evaluateTime('startup[sidecar].periodSeconds * startup[sidecar].failureThreshold', lookup)).toBe(15);
    expect(evaluateTime('startup[p/sidecar].timeoutSeconds', lookup)).toBe(1);
    expect(() => evaluateTime('liveness[sidecar].periodSeconds', lookup)).toThrow('no pod has a container "sidecar" with a liveness probe (yet)');
  });
});
