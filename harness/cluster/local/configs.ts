import { copyFileSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { LocalBinaries } from './binaries.js';
import type { HostFacts } from './host-checks.js';
import { CNI_BIN_DIR } from './host-checks.js';
import { kubeconfigPath } from './pki.js';
import { firstNode, type LocalNode, type LocalPlan } from './plan.js';

/**
 * The configuration files of containerd, CNI, the kubelet and kube-proxy: pure functions of
 * the plan and the host facts, written under `<state>/config` (CNI under each node's `cni/`).
 * containerd, CNI and the kubelet are per node.
 */
export function containerdConfig(plan: LocalPlan, node: LocalNode, facts: HostFacts): string {
  return plan.runtime.configVersion === 4 ? containerd2Config(plan, node, facts) : containerd16Config(plan, node, facts);
}

function containerd16Config(plan: LocalPlan, node: LocalNode, facts: HostFacts): string {
  const p = node.paths;
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return `# containerd for the probe-conformance local cluster (separate from Docker's containerd)
version = 2
root = ${JSON.stringify(p.containerdRoot)}
state = ${JSON.stringify(p.containerdState)}
oom_score = 0
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = ${JSON.stringify(p.containerdSocket)}

[plugins."io.containerd.internal.v1.opt"]
  path = ${JSON.stringify(join(p.containerdRoot, 'opt'))}

[${cri}]
  sandbox_image = ${JSON.stringify(plan.sandboxImage)}
  # true where the kernel refuses a negative oom_score_adj: otherwise every sandbox fails
  restrict_oom_score_adj = ${!facts.negativeOomScoreAdj}
  # network namespaces under our state dir, so down() finds and unmounts exactly ours
  netns_mounts_under_state_dir = true
  enable_selinux = false
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"

[${cri}.containerd]
  snapshotter = ${JSON.stringify(facts.snapshotter)}
  default_runtime_name = "runc"

[${cri}.containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[${cri}.containerd.runtimes.runc.options]
  SystemdCgroup = false
  Root = ${JSON.stringify(p.runcRoot)}

[${cri}.cni]
  bin_dir = ${JSON.stringify(plan.paths.cniPlugins)}
  conf_dir = ${JSON.stringify(p.cniConf)}
  max_conf_num = 1
`;
}

/**
 * containerd 2.3's config (version 4): the same settings under their new plugin names (images
 * and runtime are plugins of their own; the servers too, and ttrpc no longer follows the grpc
 * address). NRI, on by default in 2.x on a host-wide socket, is off (nodes would share it); the
 * shim and runc are the ones built with it (PATH finds Debian's 1.6 shim first).
 */
function containerd2Config(plan: LocalPlan, node: LocalNode, facts: HostFacts): string {
  const p = node.paths;
  const { shim, runc } = plan.runtime;
  if (!shim || !runc) throw new Error('the containerd2 runtime names no shim or runc');
  return `# containerd 2 for the probe-conformance local cluster (separate from Docker's containerd)
version = 4
root = ${JSON.stringify(p.containerdRoot)}
state = ${JSON.stringify(p.containerdState)}
oom_score = 0
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing", "io.containerd.nri.v1.nri"]

[plugins.'io.containerd.server.v1.grpc']
  address = ${JSON.stringify(p.containerdSocket)}

[plugins.'io.containerd.server.v1.ttrpc']
  address = ${JSON.stringify(`${p.containerdSocket}.ttrpc`)}

[plugins.'io.containerd.internal.v1.opt']
  path = ${JSON.stringify(join(p.containerdRoot, 'opt'))}

[plugins.'io.containerd.grpc.v1.cri']
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"

[plugins.'io.containerd.cri.v1.images']
  snapshotter = ${JSON.stringify(facts.snapshotter)}

[plugins.'io.containerd.cri.v1.images'.pinned_images]
  sandbox = ${JSON.stringify(plan.sandboxImage)}

[plugins.'io.containerd.cri.v1.runtime']
  restrict_oom_score_adj = ${!facts.negativeOomScoreAdj}
  netns_mounts_under_state_dir = true
  enable_selinux = false

[plugins.'io.containerd.cri.v1.runtime'.containerd]
  default_runtime_name = "runc"

[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
  runtime_path = ${JSON.stringify(shim)}

[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
  BinaryName = ${JSON.stringify(runc)}
  SystemdCgroup = false
  Root = ${JSON.stringify(p.runcRoot)}

[plugins.'io.containerd.cri.v1.runtime'.cni]
  bin_dirs = [${JSON.stringify(plan.paths.cniPlugins)}]
  conf_dir = ${JSON.stringify(p.cniConf)}
  max_conf_num = 1
`;
}

export function cniConflist(node: LocalNode): string {
  return `${JSON.stringify(
    {
      cniVersion: '1.0.0',
      name: node.cniNetwork,
      plugins: [
        {
          type: 'bridge',
          bridge: node.bridge,
          isGateway: true,
          // no masquerade: nothing leaves this machine (network.ts rejects pod egress)
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            dataDir: node.paths.cniIpam,
            ranges: [[{ subnet: node.podCIDR, gateway: node.podGateway }]],
            routes: [{ dst: '0.0.0.0/0' }],
          },
        },
        // forgets the node's ARP entry of a reused pod IP (docs/local-cluster.md, "Pod IPs given out again")
        { type: 'neighreset', bridge: node.bridge },
        { type: 'portmap', capabilities: { portMappings: true }, externalSetMarkChain: 'KUBE-MARK-MASQ' },
      ],
    },
    null,
    2,
  )}\n`;
}

/**
 * The nodes' CNI plugin folder: Debian's plugins (symlinks into /usr/lib/cni) and the suite's
 * neighreset, in one folder, since containerd 1.6 takes a single bin_dir.
 */
function linkCniPlugins(dir: string, plugins: Pick<LocalBinaries, 'neighreset'>): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(CNI_BIN_DIR)) symlinkSync(join(CNI_BIN_DIR, name), join(dir, name));
  copyFileSync(plugins.neighreset, join(dir, 'neighreset'));
}

/** The kubelet's resolv.conf: the cluster DNS address only, never the host's resolver. */
export function resolvConf(plan: LocalPlan): string {
  return `# probe-conformance local cluster: no resolver outside this machine\nnameserver ${plan.dnsServiceIP}\noptions ndots:5\n`;
}

export function kubeletConfig(plan: LocalPlan, node: LocalNode, facts: HostFacts): string {
  const p = node.paths;
  return stringify({
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    address: node.ip,
    port: node.ports.kubelet,
    readOnlyPort: 0,
    healthzBindAddress: '127.0.0.1',
    healthzPort: node.ports.kubeletHealthz,
    containerRuntimeEndpoint: `unix://${p.containerdSocket}`,
    cgroupDriver: 'cgroupfs',
    // nodes 2+: their own kubepods hierarchy (created by cgroups.ts before the kubelet starts)
    ...(node.cgroupRoot ? { cgroupRoot: node.cgroupRoot } : {}),
    // kubelet 1.35+ refuses cgroup v1 unless this is false; 1.34 only warns
    failCgroupV1: false,
    failSwapOn: false,
    ...(facts.negativeOomScoreAdj ? {} : { oomScoreAdj: 0 }),
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: join(plan.paths.pki, 'ca.crt') },
    },
    authorization: { mode: 'Webhook' },
    clusterDNS: [plan.dnsServiceIP],
    clusterDomain: plan.clusterDomain,
    resolvConf: join(plan.paths.config, 'resolv.conf'),
    // images are imported, never pulled: garbage-collecting them would lose them
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '1%', 'imagefs.available': '1%', 'nodefs.inodesFree': '1%' },
    serializeImagePulls: false,
    podLogsDir: p.podLogs,
    volumePluginDir: p.kubeletPlugins,
    rotateCertificates: false,
    serverTLSBootstrap: false,
    registerNode: true,
    nodeStatusReportFrequency: '10s',
    nodeStatusUpdateFrequency: '10s',
    ...(Object.keys(plan.featureGates).length ? { featureGates: plan.featureGates } : {}),
  });
}

export function kubeProxyConfig(plan: LocalPlan, facts: HostFacts): string {
  return stringify({
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    mode: 'iptables',
    clientConnection: { kubeconfig: kubeconfigPath(plan, 'kube-proxy') },
    // one kube-proxy for the host: every node shares its network namespace
    hostnameOverride: firstNode(plan).name,
    bindAddress: plan.hostIP,
    healthzBindAddress: `${plan.hostIP}:${plan.ports.kubeProxyHealthz}`,
    metricsBindAddress: `127.0.0.1:${plan.ports.kubeProxyMetrics}`,
    clusterCIDR: plan.podCIDR,
    nodePortAddresses: [`${plan.hostIP}/32`],
    iptables: { masqueradeAll: false, localhostNodePorts: false },
    // like local-up-cluster: do not touch the host's conntrack sysctls
    conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: '0s', tcpCloseWaitTimeout: '0s' },
    ...(facts.negativeOomScoreAdj ? {} : { oomScoreAdj: 0 }),
    ...(Object.keys(plan.featureGates).length ? { featureGates: plan.featureGates } : {}),
  });
}

export interface ConfigFiles {
  kubeProxy: string;
}

/** Writes every config file (the nodes' at their `paths.containerdConfig`/`kubeletConfig`). */
export function writeConfigs(plan: LocalPlan, facts: HostFacts, plugins: Pick<LocalBinaries, 'neighreset'>): ConfigFiles {
  mkdirSync(plan.paths.config, { recursive: true });
  linkCniPlugins(plan.paths.cniPlugins, plugins);
  const kubeProxy = join(plan.paths.config, 'kube-proxy.yaml');
  writeFileSync(kubeProxy, kubeProxyConfig(plan, facts));
  writeFileSync(join(plan.paths.config, 'resolv.conf'), resolvConf(plan));
  for (const node of plan.nodes) {
    const p = node.paths;
    for (const dir of [p.cniConf, p.cniIpam]) mkdirSync(dir, { recursive: true });
    writeFileSync(p.containerdConfig, containerdConfig(plan, node, facts));
    writeFileSync(p.kubeletConfig, kubeletConfig(plan, node, facts));
    writeFileSync(join(p.cniConf, '10-probe-conformance.conflist'), cniConflist(node));
  }
  return { kubeProxy };
}
