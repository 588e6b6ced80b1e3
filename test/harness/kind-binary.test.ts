import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goInstallArgs, kindInstallDir, parseKindVersion } from '../../harness/cluster/kind/kind-binary.js';
import { parseDockerInfo } from '../../harness/cluster/kind/kind-docker.js';
import { KindProvider } from '../../harness/cluster/kind/kind-provider.js';
import { readConfig } from '../../harness/run/config.js';

describe('kind binary', () => {
  it('is installed from its Go module into a version-keyed cache dir', () => {
    expect(goInstallArgs()).toEqual(['install', '-trimpath', 'sigs.k8s.io/kind@v0.32.0']);
    expect(kindInstallDir('/c')).toBe('/c/kind-v0.32.0');
  });

  it('reads the version `kind version` prints', () => {
    expect(parseKindVersion('kind v0.32.0 go1.26.8 linux/amd64\n')).toBe('v0.32.0');
    expect(parseKindVersion('kind v0.33.0-alpha+fed26882 go1.25 linux/arm64')).toBe('v0.33.0-alpha');
    expect(parseKindVersion('something else')).toBeUndefined();
  });
});

describe('docker info', () => {
  it('gives the server version and cgroup version, or nothing when no server answered', () => {
    expect(parseDockerInfo('20.10.24+dfsg1 1\n')).toEqual({ serverVersion: '20.10.24+dfsg1', cgroupVersion: '1' });
    expect(parseDockerInfo('27.3.1 2')).toEqual({ serverVersion: '27.3.1', cgroupVersion: '2' });
    expect(parseDockerInfo('<no value> <no value>')).toBeUndefined();
    expect(parseDockerInfo('')).toBeUndefined();
  });
});

describe('KindProvider before up()', () => {
  it('keeps its kubeconfig in a temp dir named after the cluster, and down() is a no-op that can run twice', async () => {
    const reportsDir = mkdtempSync(join(tmpdir(), 'kind-unit-'));
    const config = readConfig({ PROBE_PROVIDER: 'kind', PROBE_CACHE_DIR: reportsDir, PROBE_STATE_DIR: reportsDir, PROBE_REPORTS_DIR: reportsDir });
    const provider = new KindProvider(config, { clusterName: 'probe-feedf00d', options: { nodeImage: 'kindest/node:v1.34.3', nodes: 1 } });
    expect(provider.kubeconfig).toBe(join(tmpdir(), 'probe-conformance-probe-feedf00d', 'kubeconfig'));
    expect(provider.failureLogsDir).toBe(join(reportsDir, 'kind-logs', 'probe-feedf00d'));
    const lines: string[] = [];
    await Promise.all([provider.down((l) => lines.push(l)), provider.down((l) => lines.push(l))]);
    await provider.down((l) => lines.push(l));
    expect(lines).toEqual([]);
    expect(existsSync(provider.stateDir)).toBe(false);
    await expect(provider.loadImages(['x:1'], () => undefined)).rejects.toThrow(/not up/);
    rmSync(reportsDir, { recursive: true, force: true });
  });
});
