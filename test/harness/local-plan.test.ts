import { afterEach, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { SetupError } from '../../harness/common/errors.js';
import { cniConflist, kubeletConfig, kubeProxyConfig } from '../../harness/cluster/local/configs.js';
import { readConfig } from '../../harness/run/config.js';
import { allPorts, makePlan } from '../../harness/cluster/local/plan.js';
import { commandLines, daemonOrder } from '../../harness/cluster/local/processes.js';
import type { LocalBinaries } from '../../harness/cluster/local/binaries.js';
import { nodeAccessFor, nodeControlAvailable } from '../../harness/cluster/node-access.js';

const config = { stateDir: '/var/lib/probe-conformance' };
const facts = { cgroupVersion: 1 as const, negativeOomScoreAdj: false, snapshotter: 'overlayfs' as const };

describe('local plan', () => {
  it('keeps the single-node layout by default', () => {
    const plan = makePlan(config);
    expect(plan.nodes).toHaveLength(1);
    expect(plan.nodes[0]).toMatchObject({
      name: 'probe-node',
      ip: '10.200.0.1',
      bridge: 'pcbr0',
      podCIDR: '10.244.0.0/24',
      ports: { kubelet: 10250, kubeletHealthz: 10248 },
      daemons: { containerd: 'containerd', kubelet: 'kubelet' },
      paths: {
        containerdSocket: '/run/probe-conformance/local/containerd.sock',
        kubeletRoot: '/var/lib/probe-conformance/local/kubelet',
        kubeletConfig: '/var/lib/probe-conformance/local/config/kubelet.yaml',
      },
    });
    expect(plan.nodes[0]!.cgroupRoot).toBeUndefined();
    expect(plan.hostIP).toBe('10.200.0.1');
    expect(daemonOrder(plan)).toEqual(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'containerd', 'kubelet', 'kube-proxy']);
    expect(kubeletConfig(plan, plan.nodes[0]!, facts)).not.toContain('cgroupRoot');
  });

  it('gives node 2 its own address, bridge, pod /24, ports, dirs and cgroup root', () => {
    const plan = makePlan(config, { nodes: 2 });
    const one = plan.nodes[0]!;
    const two = plan.nodes[1]!;
    expect(two).toMatchObject({
      name: 'probe-node-2',
      ip: '10.200.0.2',
      bridge: 'pcbr1',
      podCIDR: '10.244.1.0/24',
      cgroupRoot: '/probe-node-2',
      daemons: { containerd: 'containerd-2', kubelet: 'kubelet-2' },
      paths: { containerdSocket: '/run/probe-conformance/local/node-2/containerd.sock', kubeletRoot: '/var/lib/probe-conformance/local/node-2/kubelet' },
    });
    const ports = allPorts(plan).map(([, port]) => port);
    expect(new Set(ports).size).toBe(ports.length);
    for (const key of Object.keys(one.paths) as (keyof typeof one.paths)[]) expect(two.paths[key]).not.toBe(one.paths[key]);
    expect(parse(kubeletConfig(plan, two, facts))).toMatchObject({ address: '10.200.0.2', port: two.ports.kubelet, cgroupRoot: '/probe-node-2' });
    expect(JSON.parse(cniConflist(two)).plugins[0]).toMatchObject({ bridge: 'pcbr1', ipam: { ranges: [[{ subnet: '10.244.1.0/24' }]] } });
    // neighreset right after bridge, on the same bridge (test/harness/neighreset.test.ts runs it)
    const chain = JSON.parse(cniConflist(two)).plugins as { type: string; bridge?: string }[];
    expect(chain.map((p) => p.type)).toEqual(['bridge', 'neighreset', 'portmap']);
    expect(chain[1]!.bridge).toBe('pcbr1');
  });

  it("sets the run's feature gates on every component, and none by default", () => {
    const bins = { etcd: 'etcd', components: new Proxy({}, { get: (_, name) => String(name) }) } as unknown as LocalBinaries;
    const files = { kubeProxy: '/x/kube-proxy.yaml' };
    const gated = makePlan(config, { nodes: 2, featureGates: { ContainerStopSignals: true, Foo: false } });
    const lines = commandLines(gated, bins, files);
    for (const name of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) expect(lines[name]!.args).toContain('--feature-gates=ContainerStopSignals=true,Foo=false');
    for (const node of gated.nodes) expect(parse(kubeletConfig(gated, node, facts)).featureGates).toEqual({ ContainerStopSignals: true, Foo: false });
    expect(parse(kubeProxyConfig(gated, facts)).featureGates).toEqual({ ContainerStopSignals: true, Foo: false });
    const plain = makePlan(config);
    expect(Object.values(commandLines(plain, bins, files)).flatMap((l) => l.args).filter((a) => a.startsWith('--feature-gates'))).toEqual([]);
    expect(parse(kubeletConfig(plain, plain.nodes[0]!, facts))).not.toHaveProperty('featureGates');
    expect(parse(kubeProxyConfig(plain, facts))).not.toHaveProperty('featureGates');
  });

  it('takes PROBE_NODES (1 to 4) from the config', () => {
    expect(makePlan(readConfig({})).nodes).toHaveLength(1);
    expect(makePlan(config, { nodes: readConfig({ PROBE_NODES: '2' }).nodes }).nodes).toHaveLength(2);
    for (const bad of ['0', '5', 'two', '1.5']) expect(() => readConfig({ PROBE_NODES: bad })).toThrow(SetupError);
  });
});

describe('local node control', () => {
  const kubelet = { command: '/bin/false', args: ['--config=/x'], pidFile: '/nonexistent/kubelet.pid', logFile: '/dev/null', healthz: 'http://127.0.0.1:1/healthz' };

  it('is offered only when the provider lists nodes to control', () => {
    expect(nodeControlAvailable({ kind: 'local' })).toBe(false);
    expect(nodeAccessFor({ kind: 'local' }).control).toBeUndefined();
    expect(nodeControlAvailable({ kind: 'local', control: { 'probe-node-2': kubelet } })).toBe(true);
    expect(nodeAccessFor({ kind: 'local', control: { 'probe-node-2': kubelet } }).control).toBeDefined();
  });

  it('refuses unknown nodes and a stop of a kubelet that does not run', async () => {
    const control = nodeAccessFor({ kind: 'local', control: { 'probe-node-2': kubelet } }).control!;
    await expect(control('elsewhere', 'stop')).rejects.toThrow(/not one the local provider can stop/);
    await expect(control('probe-node-2', 'stop')).rejects.toThrow(/not running/);
  });
});
