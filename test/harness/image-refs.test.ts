import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { registryRef, rewriteImageRefs } from '../../harness/engine/k8s/image-refs.js';
import { readManifests } from '../../harness/engine/k8s/manifests.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: {
    initContainers: [{ name: 'init', image: 'probe-conformance/busybox:1', imagePullPolicy: 'Never' }],
    containers: [
      { name: 'app', image: 'probe-conformance/node-server:1', imagePullPolicy: 'Never', ports: [{ containerPort: 8080 }] },
      { name: 'side', image: 'probe-conformance/nginx:1' },
      { name: 'other', image: 'busybox:1.36', imagePullPolicy: 'Never' },
      { name: 'always', image: 'probe-conformance/nginx:1', imagePullPolicy: 'Always' },
    ],
  },
};

describe('rewriteImageRefs', () => {
  it('prefixes demo images of containers and init containers with the registry and turns Never into IfNotPresent', () => {
    const out = rewriteImageRefs(pod, 'localhost:5000');
    expect(out.spec.initContainers).toEqual([{ name: 'init', image: 'localhost:5000/probe-conformance/busybox:1', imagePullPolicy: 'IfNotPresent' }]);
    expect(out.spec.containers).toEqual([
      { name: 'app', image: 'localhost:5000/probe-conformance/node-server:1', imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 8080 }] },
      { name: 'side', image: 'localhost:5000/probe-conformance/nginx:1' },
      { name: 'other', image: 'busybox:1.36', imagePullPolicy: 'Never' },
      { name: 'always', image: 'localhost:5000/probe-conformance/nginx:1', imagePullPolicy: 'Always' },
    ]);
  });

  it('does not change its input, and returns the input itself without a registry', () => {
    const before = JSON.stringify(pod);
    rewriteImageRefs(pod, 'ghcr.io/me');
    expect(JSON.stringify(pod)).toBe(before);
    expect(rewriteImageRefs(pod, undefined)).toBe(pod);
    expect(rewriteImageRefs(pod, '')).toBe(pod);
  });

  it('accepts a registry with a path and a trailing slash', () => {
    const out = rewriteImageRefs(pod, 'ghcr.io/me/');
    expect(out.spec.containers[0]!.image).toBe('ghcr.io/me/probe-conformance/node-server:1');
  });

  it('pins images to the pushed digest when it is known', () => {
    const out = rewriteImageRefs(pod, { registry: 'localhost:5000', digests: { 'probe-conformance/node-server:1': DIGEST } });
    expect(out.spec.containers[0]!.image).toBe(`localhost:5000/probe-conformance/node-server:1@${DIGEST}`);
    expect(out.spec.containers[1]!.image).toBe('localhost:5000/probe-conformance/nginx:1');
  });

  it('finds pod specs in workload templates, CronJobs and ephemeral containers', () => {
    const deployment = { kind: 'Deployment', spec: { template: { spec: { containers: [{ name: 'a', image: 'probe-conformance/nginx:1', imagePullPolicy: 'Never' }] } } } };
    const cronJob = { kind: 'CronJob', spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'a', image: 'probe-conformance/busybox:1' }] } } } } } };
    const debug = { kind: 'Pod', spec: { containers: [], ephemeralContainers: [{ name: 'd', image: 'probe-conformance/busybox:1' }] } };
    expect(rewriteImageRefs(deployment, 'r:5000').spec.template.spec.containers[0]).toEqual({ name: 'a', image: 'r:5000/probe-conformance/nginx:1', imagePullPolicy: 'IfNotPresent' });
    expect(rewriteImageRefs(cronJob, 'r:5000').spec.jobTemplate.spec.template.spec.containers[0]!.image).toBe('r:5000/probe-conformance/busybox:1');
    expect(rewriteImageRefs(debug, 'r:5000').spec.ephemeralContainers[0]!.image).toBe('r:5000/probe-conformance/busybox:1');
  });

  it('leaves other objects alone, including strings that look like images', () => {
    const configMap = { kind: 'ConfigMap', data: { 'pod.yaml': 'image: probe-conformance/nginx:1', image: 'probe-conformance/nginx:1' } };
    expect(rewriteImageRefs(configMap, 'r:5000')).toEqual(configMap);
  });

  it('does not prefix twice', () => {
    expect(registryRef('r:5000/probe-conformance/nginx:1', { registry: 'r:5000' })).toBe('r:5000/probe-conformance/nginx:1');
  });
});

describe('readManifests with a registry', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'image-refs-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rewrites the images of every document when the run has a registry, and not otherwise', () => {
    const file = join(dir, 'pod.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: probe-conformance/nginx:1\n    imagePullPolicy: Never\n');
    const plain = readManifests(file, 'ns') as unknown as (typeof pod)[];
    expect(plain[0]!.spec.containers[0]).toEqual({ name: 'c', image: 'probe-conformance/nginx:1', imagePullPolicy: 'Never' });
    const [rewritten] = readManifests(file, 'ns', { registry: 'localhost:5000' }) as unknown as (typeof pod)[];
    expect(rewritten!.spec.containers[0]).toEqual({ name: 'c', image: 'localhost:5000/probe-conformance/nginx:1', imagePullPolicy: 'IfNotPresent' });
    expect(rewritten!.metadata).toEqual({ name: 'p', namespace: 'ns' });
  });
});
