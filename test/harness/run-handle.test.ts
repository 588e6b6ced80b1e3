import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { abilitiesOf, clusterOfRun, dockerUnavailable, type ClusterHandle, readRunHandle, RUN_HANDLE_FILE, writeRunHandle, type RunHandle } from '../../harness/run/run-handle.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const ready: RunHandle = {
  jestPid: process.pid,
  runId: 'abcd1234',
  provider: 'local',
  outcome: {
    ready: true,
    cluster: {
      kubeconfig: '/tmp/kc',
      nodes: ['probe-node'],
      kubernetesVersion: 'v1.35.4',
      provider: 'local',
      nodeAccess: { kind: 'local' },
      images: { registry: 'localhost:5000', digests: { 'probe-conformance/x:1': DIGEST } },
      kubeletLogFiles: ['/var/lib/x/kubelet.log'],
      featureGates: { SidecarContainers: true },
    },
  },
};

describe('the run handle (reports/run.json)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'run-handle-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('carries what setup brought up to the workers, validated', () => {
    writeRunHandle(dir, ready);
    expect(readRunHandle(dir)).toEqual(ready);
    expect(clusterOfRun(dir)).toEqual({ cluster: ready.outcome.ready && ready.outcome.cluster, runId: 'abcd1234' });
    expect(dockerUnavailable(dir)).toBe(false);
  });

  it('keeps how the local provider stops and starts the API server and kubelets (a restart step needs them in the workers)', () => {
    const daemon = { command: '/k/kube', args: ['--a'], pidFile: '/p', logFile: '/l', healthz: 'https://h/readyz', caFile: '/ca.crt' };
    const cluster0 = (ready.outcome as { cluster: ClusterHandle }).cluster;
    const local: RunHandle = { ...ready, outcome: { ready: true, cluster: { ...cluster0, nodeAccess: { kind: 'local', components: { apiserver: daemon, kubelets: { 'probe-node': daemon } } } } } };
    writeRunHandle(dir, local);
    const cluster = clusterOfRun(dir);
    expect(cluster && 'cluster' in cluster ? abilitiesOf(cluster.cluster).componentRestart : undefined).toBe(true);
    expect(abilitiesOf(cluster0).componentRestart).toBe(false);
  });

  it('is no handle at all when this run had no global setup, or the file is an earlier run\'s', () => {
    expect(readRunHandle(dir)).toBeUndefined();
    expect(clusterOfRun(dir)).toEqual({ setupError: expect.stringContaining('global setup did not run'), setupStage: 'cluster' });
    writeRunHandle(dir, { ...ready, jestPid: 1 });
    expect(readRunHandle(dir, [process.pid])).toBeUndefined();
    expect(dockerUnavailable(dir)).toBe(false);
  });

  it('says why there is no cluster when setup failed', () => {
    writeRunHandle(dir, { ...ready, outcome: { ready: false, failure: { stage: 'docker', message: 'no Docker engine\n  fix: ./install.sh', dockerUnavailable: true } } });
    expect(clusterOfRun(dir)).toEqual({ setupError: 'no Docker engine\n  fix: ./install.sh', setupStage: 'docker' });
    expect(dockerUnavailable(dir)).toBe(true);
  });

  it('names the file and the field of a handle that does not fit', () => {
    writeFileSync(join(dir, RUN_HANDLE_FILE), '{nope');
    expect(() => readRunHandle(dir)).toThrow(`${join(dir, RUN_HANDLE_FILE)}: not JSON`);
    const bad = JSON.parse(JSON.stringify(ready)) as { outcome: { cluster: { images: { digests: Record<string, string> } } } };
    bad.outcome.cluster.images.digests['probe-conformance/x:1'] = 'latest';
    writeFileSync(join(dir, RUN_HANDLE_FILE), JSON.stringify(bad));
    expect(() => readRunHandle(dir)).toThrow(/outcome\.cluster\.images\.digests\.probe-conformance\/x:1: .*sha256/);
    expect(() => writeRunHandle(dir, { ...ready, outcome: { ready: true, cluster: { ...(ready.outcome.ready ? ready.outcome.cluster : ({} as never)), nodes: [] } } })).toThrow();
  });
});
