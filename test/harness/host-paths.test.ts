// Node files a scenario leaves behind (hostPath volumes, nodeFile's remove) are removed when it
// ends, whether it passed or failed, and only paths that name the scenario's namespace.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type * as k8s from '@kubernetes/client-node';
import { hostPathsOf, scenarioPathRoot } from '../../harness/engine/steps/host-paths.js';
import { claims, runFake, scheduledPod } from './fake-runner.js';
import type { FakeClusterView } from './fake-cluster-view.js';

const NS = 'pc-a001-9-x-ab12cd';

describe('scenarioPathRoot: the part of a path that belongs to the run', () => {
  it.each([
    ['/tmp/probe-conformance-pc-a001-9-x-ab12cd', '/tmp/probe-conformance-pc-a001-9-x-ab12cd'],
    ['/tmp/probe-conformance-pc-a001-9-x-ab12cd/sub/file', '/tmp/probe-conformance-pc-a001-9-x-ab12cd'],
    ['/pc-a001-9-x-ab12cd/data', '/pc-a001-9-x-ab12cd'],
    ['/var/log', undefined],
    ['/tmp/probe-conformance-pc-a001-9-x-other', undefined],
    ['/tmp/pc-a001-9-x-ab12cd/../../etc', undefined],
    ['pc-a001-9-x-ab12cd/relative', undefined],
    ['/', undefined],
  ])('%s -> %s', (path, root) => {
    expect(scenarioPathRoot(path, NS)).toBe(root);
  });

  it('never with an empty namespace', () => {
    expect(scenarioPathRoot('/tmp/x', '')).toBeUndefined();
  });

  it('finds the hostPath volumes of pods and pod templates', () => {
    const pod = { kind: 'Pod', spec: { volumes: [{ name: 'd', hostPath: { path: '/a' } }, { name: 'e', emptyDir: {} }] } };
    const deployment = { kind: 'Deployment', spec: { template: { spec: { volumes: [{ name: 'd', hostPath: { path: '/b', type: 'DirectoryOrCreate' } }] } } } };
    expect(hostPathsOf([pod, deployment])).toEqual(['/a', '/b']);
  });
});

const MANIFEST = `
apiVersion: v1
kind: Pod
metadata: {name: writer}
spec:
  containers: [{name: c, image: busybox}]
  volumes:
    - name: data
      hostPath: {path: '/tmp/probe-conformance-\${NAMESPACE}/data', type: DirectoryOrCreate}
    - name: logs
      hostPath: {path: /var/log}
---
apiVersion: v1
kind: Pod
metadata: {name: twin}
spec:
  containers: [{name: c, image: busybox}]
  volumes:
    - name: data
      hostPath: {path: '/tmp/probe-conformance-\${NAMESPACE}', type: DirectoryOrCreate}
---
apiVersion: v1
kind: Pod
metadata: {name: unscheduled}
spec:
  containers: [{name: c, image: busybox}]
  volumes:
    - name: data
      hostPath: {path: '/tmp/probe-conformance-\${NAMESPACE}'}
`;

const ROOT = '/tmp/probe-conformance-${NAMESPACE}';
const NODES: Record<string, string> = { writer: 'n1', twin: 'n2' };
/** The API server stores the pod; the scheduler puts writer on n1 and twin on n2, never schedules the third. */
function schedule(obj: k8s.KubernetesObject, view: FakeClusterView): void {
  const pod = obj as k8s.V1Pod;
  const node = NODES[pod.metadata!.name!];
  view.putPod(node ? scheduledPod(pod.metadata!.name!, node, pod.spec!.volumes) : { ...pod, status: { phase: 'Pending' } });
}

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pc-host-paths-'));
  writeFileSync(join(dir, 'pods.yaml'), MANIFEST);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const removals = (events: string[]) => events.filter((e) => e.startsWith('remove '));
const fails = { expect: { pod: 'writer', phase: 'Succeeded' }, within: '0s' };
const readMarker = (remove: unknown) => ({ nodeFile: { pod: 'writer', path: `${ROOT}/data/marker`, expect: { content: 'ok' }, remove } });

describe('node files are removed when the scenario ends', () => {
  it('apply registers the hostPath directories that name the namespace: removed on each node that used them when a later step fails', async () => {
    const { result, events } = await runFake({ title: 't', claims, steps: [{ apply: 'pods.yaml' }, fails] }, { dir, onApply: schedule });
    expect(result.passed).toBe(false);
    expect(removals(events)).toEqual([`remove n1 ${ROOT}`, `remove n2 ${ROOT}`]);
    // After the evidence, and after the namespace is gone: no pod of it can write there again.
    expect(events.indexOf(`remove n1 ${ROOT}`)).toBeGreaterThan(events.indexOf('evidence (signal live)'));
    expect(events.indexOf(`remove n1 ${ROOT}`)).toBeGreaterThan(events.indexOf('delete namespace (wait)'));
  });

  it('also when the scenario passes, and when the apply itself fails half-way', async () => {
    const passed = await runFake({ title: 't', claims, steps: [{ apply: 'pods.yaml' }] }, { dir, onApply: schedule });
    expect(passed.result.passed).toBe(true);
    expect(removals(passed.events)).toEqual([`remove n1 ${ROOT}`, `remove n2 ${ROOT}`]);
    const halfWay = await runFake({ title: 't', claims, steps: [{ apply: 'pods.yaml' }] }, {
      dir,
      onApply: (obj, view) => {
        if (obj.metadata?.name === 'twin') throw new Error('admission webhook refused');
        schedule(obj, view);
      },
    });
    expect(halfWay.result.passed).toBe(false);
    expect(removals(halfWay.events)).toEqual([`remove n1 ${ROOT}`]);
  });

  it("nodeFile's remove is registered once per path (with the apply's), and runs even when its own check fails", async () => {
    const steps = [{ apply: 'pods.yaml' }, readMarker(ROOT), readMarker(ROOT), readMarker(ROOT)];
    const { result, events } = await runFake({ title: 't', claims, steps }, { dir, onApply: schedule, files: { [`n1:${ROOT}/data/marker`]: 'ok' } });
    expect(result.passed).toBe(true);
    expect(removals(events)).toEqual([`remove n1 ${ROOT}`, `remove n2 ${ROOT}`]);
    const failing = await runFake({ title: 't', claims, steps: [{ apply: 'pods.yaml' }, readMarker(true)] }, { dir, onApply: schedule });
    expect(failing.result.error).toMatch(/step 2 \(nodeFile #2\) failed: file .*\/data\/marker on node n1: no readable file/);
    // twin (n2) mounts the directory the file is in: it is removed there too.
    expect(removals(failing.events)).toEqual([`remove n1 ${ROOT}/data/marker`, `remove n2 ${ROOT}/data/marker`, `remove n1 ${ROOT}`, `remove n2 ${ROOT}`]);
  });

  it('a path that does not name the namespace is never removed', async () => {
    const outside = { nodeFile: { pod: 'writer', path: '/var/log/app.log', expect: { exists: false }, remove: '/var/log' } };
    const { result, events, logs } = await runFake({ title: 't', claims, steps: [{ apply: 'pods.yaml' }, outside] }, { dir, onApply: schedule });
    expect(result.passed).toBe(true);
    expect(removals(events).filter((e) => e.includes('/var/log'))).toEqual([]);
    expect(logs.some((l) => l.includes('/var/log is not removed at the end'))).toBe(true);
  });

  it('a removal that fails is logged, not a failure of the scenario, and the others still run', async () => {
    const { result, events, logs } = await runFake({ title: 't', claims, steps: [{ apply: 'pods.yaml' }] }, { dir, onApply: schedule, failing: [`remove n1 ${ROOT}`] });
    expect(result.passed).toBe(true);
    expect(removals(events)).toEqual([`remove n1 ${ROOT}`, `remove n2 ${ROOT}`]);
    expect(logs.some((l) => /cleanup: \/tmp\/probe-conformance-pc-.* not removed on node n1: .*permission denied/.test(l))).toBe(true);
  });
});
