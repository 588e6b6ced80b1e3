import { describe, expect, it } from '@jest/globals';
import YAML from 'yaml';
import { CGROUP_V1_PATCH, expectedNodeNames, isValidClusterName, kindClusterConfig, needsCgroupV1Patch, newClusterName, nodeImageMinor } from '../../harness/cluster/kind/kind-config.js';
import { DEFAULT_NODE_IMAGE } from '../../harness/cluster/kind/kind-version.js';

const image = 'kindest/node:v1.36.1@sha256:3489c7674813ba5d8b1a9977baea8a6e553784dab7b84759d1014dbd78f7ebd5';

describe('kind cluster config', () => {
  it('is one control-plane node by default, with the node image on it', () => {
    const config = YAML.parse(kindClusterConfig({ name: 'probe-0a1b2c3d', nodes: 1, nodeImage: image, cgroupV1: false }));
    expect(config).toEqual({
      kind: 'Cluster',
      apiVersion: 'kind.x-k8s.io/v1alpha4',
      name: 'probe-0a1b2c3d',
      nodes: [{ role: 'control-plane', image }],
    });
  });

  it('sets the run\'s feature gates on every component, and none when the run sets none', () => {
    const config = YAML.parse(kindClusterConfig({ name: 'probe-x', nodes: 1, nodeImage: image, cgroupV1: false, featureGates: { ContainerStopSignals: true, Foo: false } }));
    expect(config.featureGates).toEqual({ ContainerStopSignals: true, Foo: false });
    expect(YAML.parse(kindClusterConfig({ name: 'probe-x', nodes: 1, nodeImage: image, cgroupV1: false, featureGates: {} }))).not.toHaveProperty('featureGates');
  });

  it('adds workers after the control-plane node', () => {
    const config = YAML.parse(kindClusterConfig({ name: 'probe-x', nodes: 3, nodeImage: image, cgroupV1: false }));
    expect(config.nodes).toEqual([
      { role: 'control-plane', image },
      { role: 'worker', image },
      { role: 'worker', image },
    ]);
  });

  it('lets the kubelet run on a cgroup v1 host from Kubernetes 1.35 on', () => {
    const text = kindClusterConfig({ name: 'probe-x', nodes: 2, nodeImage: image, cgroupV1: true });
    const config = YAML.parse(text);
    expect(config.kubeadmConfigPatches).toEqual([CGROUP_V1_PATCH]);
    expect(YAML.parse(config.kubeadmConfigPatches[0])).toEqual({ kind: 'KubeletConfiguration', failCgroupV1: false });
  });

  it('adds the cgroup v1 patch only where the kubelet needs it', () => {
    expect(needsCgroupV1Patch({ cgroupV1: false, nodeImage: image })).toBe(false);
    expect(needsCgroupV1Patch({ cgroupV1: true, nodeImage: 'kindest/node:v1.34.3' })).toBe(false);
    expect(needsCgroupV1Patch({ cgroupV1: true, nodeImage: 'kindest/node:v1.35.0' })).toBe(true);
    expect(needsCgroupV1Patch({ cgroupV1: true, nodeImage: 'my/node:latest' })).toBe(true);
  });

  it('reads the Kubernetes minor from a node image tag, not from the digest', () => {
    expect(nodeImageMinor(image)).toBe(36);
    expect(nodeImageMinor(DEFAULT_NODE_IMAGE)).toBe(36);
    expect(nodeImageMinor('registry:5000/kindest/node:v1.29.14')).toBe(29);
    expect(nodeImageMinor('kindest/node@sha256:abc')).toBeUndefined();
  });

  it('refuses a name kind would reject and a node count below 1', () => {
    expect(() => kindClusterConfig({ name: 'Probe_X', nodes: 1, nodeImage: image, cgroupV1: false })).toThrow(/cluster name/);
    expect(() => kindClusterConfig({ name: 'probe-x', nodes: 0, nodeImage: image, cgroupV1: false })).toThrow(/node count/);
  });
});

describe('cluster names', () => {
  it('are probe-<8 hex>, different per run', () => {
    const a = newClusterName();
    expect(a).toMatch(/^probe-[0-9a-f]{8}$/);
    expect(isValidClusterName(a)).toBe(true);
    expect(newClusterName(() => Buffer.from([0xde, 0xad, 0xbe, 0xef]))).toBe('probe-deadbeef');
    expect(new Set(Array.from({ length: 50 }, () => newClusterName())).size).toBe(50);
  });

  it('give the node names kind uses for containers', () => {
    expect(expectedNodeNames('probe-x', 1)).toEqual(['probe-x-control-plane']);
    expect(expectedNodeNames('probe-x', 4)).toEqual(['probe-x-control-plane', 'probe-x-worker', 'probe-x-worker2', 'probe-x-worker3']);
  });
});
