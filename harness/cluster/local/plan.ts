import { join } from 'node:path';
import type { RunConfig } from '../../run/config.js';
import { MAX_NODES } from '../../run/options.js';
import { DEBIAN_CONTAINERD, type RuntimeCommands } from './runtime.js';

/**
 * Where a local cluster lives: its addresses and the paths of every file it writes. All
 * cluster traffic stays on this machine: the nodes have their own addresses on a dummy
 * interface, and the pod and Service ranges are routed to that interface (never to the default
 * gateway). Node 1 also hosts the control plane and kube-proxy; with PROBE_NODES=2 a second
 * node (own containerd, kubelet, CNI bridge, pod /24 and cgroup root) runs on the same machine.
 */
export interface LocalPlan {
  clusterName: string;
  /** Node 1's address, on `dummyInterface` (never eth0's): the apiserver and kube-proxy bind to it. */
  hostIP: string;
  nodePrefixLength: number;
  dummyInterface: string;
  podCIDR: string;
  serviceCIDR: string;
  apiServiceIP: string;
  /** Inside the Service range, answered by nobody: pods never ask the host's resolver. */
  dnsServiceIP: string;
  clusterDomain: string;
  /** The control plane's and kube-proxy's ports (each node has its kubelet ports). */
  ports: Record<PortName, number>;
  sandboxImage: string;
  /** The nodes' containerd, ctr (and for containerd2 the shim and runc it names). */
  runtime: RuntimeCommands;
  paths: LocalPaths;
  /** Node 1 first; every node has its own containerd and kubelet. */
  nodes: LocalNode[];
  /** Set on every component (--feature-gates); empty: the release's defaults. */
  featureGates: Record<string, boolean>;
}

export type PortName = 'etcdClient' | 'etcdPeer' | 'apiserver' | 'controllerManager' | 'scheduler' | 'kubeProxyHealthz' | 'kubeProxyMetrics';

export interface LocalPaths {
  /** `<stateDir>/<clusterName>`: everything on disk except sockets and runtime state. */
  root: string;
  pki: string;
  kubeconfigs: string;
  config: string;
  logs: string;
  pids: string;
  tmp: string;
  etcdData: string;
  /** containerd's CNI bin dir: Debian's plugins (symlinks into /usr/lib/cni) and the suite's neighreset. */
  cniPlugins: string;
  /** `/run/probe-conformance/<clusterName>`: sockets, containerd state, runc root, netns mounts. */
  run: string;
  adminKubeconfig: string;
  /** Written at the start of up(); records what down() must undo. */
  stateFile: string;
}

/** One node: a containerd and a kubelet of its own, on the shared host network namespace. */
export interface LocalNode {
  /** 1-based. */
  number: number;
  name: string;
  /** Its kubelet's address (--node-ip), on `dummyInterface`. */
  ip: string;
  /** Its CNI bridge; the node's pod /24 is on it. */
  bridge: string;
  /** Its CNI network name (also in the CNI cache's file names). */
  cniNetwork: string;
  /** Its pod /24 (the CNI config); the controller-manager must allocate the same (checked at start). */
  podCIDR: string;
  podGateway: string;
  /**
   * The kubelet's cgroupRoot: pods go to `<cgroupRoot>/kubepods` (cgroupfs driver). Unset on
   * node 1 (`/kubepods`, as with one node); `/<name>` on the others, so two kubelets never
   * manage the same kubepods hierarchy.
   */
  cgroupRoot?: string;
  ports: { kubelet: number; kubeletHealthz: number };
  /** Daemon names (pid and log files): containerd/kubelet on node 1, containerd-N/kubelet-N on node N. */
  daemons: { containerd: string; kubelet: string };
  /** The kubelet's client certificate and kubeconfig name (CN system:node:<name>). */
  kubeletUser: string;
  paths: NodePaths;
}

export interface NodePaths {
  containerdConfig: string;
  kubeletConfig: string;
  containerdRoot: string;
  kubeletRoot: string;
  kubeletPlugins: string;
  podLogs: string;
  cniConf: string;
  cniIpam: string;
  containerdState: string;
  containerdSocket: string;
  runcRoot: string;
}

export interface PlanOptions {
  clusterName?: string;
  nodeName?: string;
  /** How many nodes (default 1). */
  nodes?: number;
  /** Default: Debian's containerd 1.6. */
  runtime?: RuntimeCommands;
  /** Default: none (the release's defaults). */
  featureGates?: Record<string, boolean>;
}

export const DEFAULT_CLUSTER_NAME = 'local';
export const DEFAULT_NODE_NAME = 'probe-node';
/** Tested with 2; each node adds a containerd and a kubelet (~150 MB) on the same machine. */
export const MAX_LOCAL_NODES = MAX_NODES.local;

function makeNode(n: number, baseName: string, clusterName: string, root: string, run: string, config: string): LocalNode {
  // node 1 keeps the single-node layout; node N lives under node-N/ in the state and run dirs
  const home = n === 1 ? root : join(root, `node-${n}`);
  const runHome = n === 1 ? run : join(run, `node-${n}`);
  const suffix = n === 1 ? '' : `-${n}`;
  const daemons = { containerd: `containerd${suffix}`, kubelet: `kubelet${suffix}` };
  const name = n === 1 ? baseName : `${baseName}-${n}`;
  return {
    number: n,
    name,
    ip: `10.200.0.${n}`,
    bridge: `pcbr${n - 1}`,
    cniNetwork: `probe-conformance-${clusterName}${suffix}`,
    podCIDR: `10.244.${n - 1}.0/24`,
    podGateway: `10.244.${n - 1}.1`,
    ...(n === 1 ? {} : { cgroupRoot: `/${name}` }),
    ports: { kubelet: 10250 + (n - 1) * 1000, kubeletHealthz: 10248 + (n - 1) * 1000 },
    daemons,
    kubeletUser: daemons.kubelet,
    paths: {
      containerdConfig: join(config, `${daemons.containerd}.toml`),
      kubeletConfig: join(config, `${daemons.kubelet}.yaml`),
      containerdRoot: join(home, 'containerd'),
      kubeletRoot: join(home, 'kubelet'),
      kubeletPlugins: join(home, 'kubelet-plugins'),
      podLogs: join(home, 'pod-logs'),
      cniConf: join(home, 'cni', 'net.d'),
      cniIpam: join(home, 'cni', 'ipam'),
      containerdState: join(runHome, 'containerd'),
      containerdSocket: join(runHome, 'containerd.sock'),
      runcRoot: join(runHome, 'runc'),
    },
  };
}

export function makePlan(config: Pick<RunConfig, 'stateDir'>, options: PlanOptions = {}): LocalPlan {
  const clusterName = options.clusterName ?? DEFAULT_CLUSTER_NAME;
  if (!/^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/.test(clusterName)) {
    throw new Error(`invalid local cluster name ${JSON.stringify(clusterName)} (lowercase letters, digits and dashes)`);
  }
  const count = options.nodes ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > MAX_LOCAL_NODES) throw new Error(`invalid local node count ${count}`);
  const root = join(config.stateDir, clusterName);
  const run = join('/run/probe-conformance', clusterName);
  const configDir = join(root, 'config');
  const baseName = options.nodeName ?? DEFAULT_NODE_NAME;
  return {
    clusterName,
    hostIP: '10.200.0.1',
    nodePrefixLength: 24,
    dummyInterface: 'pc0',
    podCIDR: '10.244.0.0/16',
    serviceCIDR: '10.96.0.0/16',
    apiServiceIP: '10.96.0.1',
    dnsServiceIP: '10.96.0.10',
    clusterDomain: 'cluster.local',
    ports: {
      etcdClient: 2379,
      etcdPeer: 2380,
      apiserver: 6443,
      controllerManager: 10257,
      scheduler: 10259,
      kubeProxyHealthz: 10256,
      kubeProxyMetrics: 10249,
    },
    sandboxImage: 'probe-conformance.local/pause:1',
    runtime: options.runtime ?? DEBIAN_CONTAINERD,
    paths: {
      root,
      pki: join(root, 'pki'),
      kubeconfigs: join(root, 'kubeconfigs'),
      config: configDir,
      logs: join(root, 'logs'),
      pids: join(root, 'pids'),
      tmp: join(root, 'tmp'),
      etcdData: join(root, 'etcd'),
      cniPlugins: join(root, 'cni-plugins'),
      run,
      adminKubeconfig: join(root, 'kubeconfigs', 'admin.kubeconfig'),
      stateFile: join(root, 'cluster.json'),
    },
    nodes: Array.from({ length: count }, (_, i) => makeNode(i + 1, baseName, clusterName, root, run, configDir)),
    featureGates: options.featureGates ?? {},
  };
}

/** Node 1: the control plane's node (its name also names etcd's member). */
export function firstNode(plan: LocalPlan): LocalNode {
  return plan.nodes[0]!;
}

/** Every listening port of the cluster, named (for the free-port check). */
export function allPorts(plan: LocalPlan): [string, number][] {
  return [
    ...Object.entries(plan.ports),
    ...plan.nodes.flatMap((n): [string, number][] => [
      [`${n.daemons.kubelet} API`, n.ports.kubelet],
      [`${n.daemons.kubelet} healthz`, n.ports.kubeletHealthz],
    ]),
  ];
}

export function apiserverURL(plan: LocalPlan): string {
  return `https://${plan.hostIP}:${plan.ports.apiserver}`;
}
