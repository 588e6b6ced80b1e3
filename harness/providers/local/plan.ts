import { join } from 'node:path';
import type { RunConfig } from '../../config.js';

/**
 * Where a local cluster lives: its addresses and the paths of every file it writes. All
 * cluster traffic stays on this machine: the node has its own address on a dummy interface,
 * and the pod and Service ranges are routed to that interface (never to the default gateway).
 */
export interface LocalPlan {
  clusterName: string;
  nodeName: string;
  /** The node's own address, on `dummyInterface` (never eth0's). */
  nodeIP: string;
  nodePrefixLength: number;
  dummyInterface: string;
  /** The CNI bridge; the node's pod /24 is on it. */
  bridge: string;
  /** The CNI network name (also in the CNI cache's file names and iptables comments). */
  cniNetwork: string;
  podCIDR: string;
  nodePodCIDR: string;
  nodePodGateway: string;
  serviceCIDR: string;
  apiServiceIP: string;
  /** Inside the Service range, answered by nobody: pods never ask the host's resolver. */
  dnsServiceIP: string;
  clusterDomain: string;
  ports: Record<PortName, number>;
  sandboxImage: string;
  paths: LocalPaths;
}

export type PortName =
  | 'etcdClient'
  | 'etcdPeer'
  | 'apiserver'
  | 'controllerManager'
  | 'scheduler'
  | 'kubelet'
  | 'kubeletHealthz'
  | 'kubeProxyHealthz'
  | 'kubeProxyMetrics';

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
  containerdRoot: string;
  kubeletRoot: string;
  kubeletPlugins: string;
  podLogs: string;
  cniConf: string;
  cniIpam: string;
  /** `/run/probe-conformance/<clusterName>`: sockets, containerd state, runc root, netns mounts. */
  run: string;
  containerdState: string;
  containerdSocket: string;
  runcRoot: string;
  adminKubeconfig: string;
  /** Written at the end of a successful up(); records what down() must undo. */
  stateFile: string;
}

export interface PlanOptions {
  clusterName?: string;
  nodeName?: string;
}

export const DEFAULT_CLUSTER_NAME = 'local';
export const DEFAULT_NODE_NAME = 'probe-node';

export function makePlan(config: Pick<RunConfig, 'stateDir'>, options: PlanOptions = {}): LocalPlan {
  const clusterName = options.clusterName ?? DEFAULT_CLUSTER_NAME;
  if (!/^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/.test(clusterName)) {
    throw new Error(`invalid local cluster name ${JSON.stringify(clusterName)} (lowercase letters, digits and dashes)`);
  }
  const root = join(config.stateDir, clusterName);
  const run = join('/run/probe-conformance', clusterName);
  return {
    clusterName,
    nodeName: options.nodeName ?? DEFAULT_NODE_NAME,
    nodeIP: '10.200.0.1',
    nodePrefixLength: 24,
    dummyInterface: 'pc0',
    bridge: 'pcbr0',
    cniNetwork: `probe-conformance-${clusterName}`,
    podCIDR: '10.244.0.0/16',
    nodePodCIDR: '10.244.0.0/24',
    nodePodGateway: '10.244.0.1',
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
      kubelet: 10250,
      kubeletHealthz: 10248,
      kubeProxyHealthz: 10256,
      kubeProxyMetrics: 10249,
    },
    sandboxImage: 'probe-conformance.local/pause:1',
    paths: {
      root,
      pki: join(root, 'pki'),
      kubeconfigs: join(root, 'kubeconfigs'),
      config: join(root, 'config'),
      logs: join(root, 'logs'),
      pids: join(root, 'pids'),
      tmp: join(root, 'tmp'),
      etcdData: join(root, 'etcd'),
      containerdRoot: join(root, 'containerd'),
      kubeletRoot: join(root, 'kubelet'),
      kubeletPlugins: join(root, 'kubelet-plugins'),
      podLogs: join(root, 'pod-logs'),
      cniConf: join(root, 'cni', 'net.d'),
      cniIpam: join(root, 'cni', 'ipam'),
      run,
      containerdState: join(run, 'containerd'),
      containerdSocket: join(run, 'containerd.sock'),
      runcRoot: join(run, 'runc'),
      adminKubeconfig: join(root, 'kubeconfigs', 'admin.kubeconfig'),
      stateFile: join(root, 'cluster.json'),
    },
  };
}

export function apiserverURL(plan: LocalPlan): string {
  return `https://${plan.nodeIP}:${plan.ports.apiserver}`;
}
