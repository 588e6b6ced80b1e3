import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SetupError } from '../../common/errors.js';
import type { Log } from '../../common/log.js';
import { isAlive, startDaemon, stopProcessGroup, type Daemon } from '../process/daemon.js';
import { run } from '../process/run.js';
import type { LocalBinaries } from './binaries.js';
import { makeCgroupRoot } from './cgroups.js';
import { bindApiserverToKubelet, nodeState, type NodeState } from './cluster-api.js';
import type { ConfigFiles } from './configs.js';
import { WaitTimedOut } from '../../common/wait.js';
import { answers200, DaemonDied, waitUntilReady, type TlsFiles } from './health.js';
import type { HostFacts } from './host-checks.js';
import { importSandboxImage } from './images.js';
import { kubeconfigPath } from './pki.js';
import { apiserverURL, firstNode, type LocalNode, type LocalPlan } from './plan.js';

/**
 * The cluster's daemons as host processes, started in order (etcd -> apiserver (/readyz) ->
 * RBAC -> controller-manager, scheduler -> per node: containerd (+ sandbox image) -> kubelet
 * (node Ready) -> kube-proxy), each in its own session with its log in `<state>/logs/<name>.log`
 * and its pid in `<state>/pids/<name>.pid`, so a later run stops what an interrupted one left.
 * Node N > 1's daemons are named containerd-N and kubelet-N.
 */
export const CONTROL_PLANE = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;
export type DaemonName = string;

/** Every daemon of the plan in start order (down() stops them in reverse). */
export function daemonOrder(plan: LocalPlan): DaemonName[] {
  return [...CONTROL_PLANE, ...plan.nodes.flatMap((n) => [n.daemons.containerd, n.daemons.kubelet]), 'kube-proxy'];
}

export interface CommandLine {
  command: string;
  args: string[];
}

export function logFile(plan: LocalPlan, name: string): string {
  return join(plan.paths.logs, `${name}.log`);
}

export function pidFile(plan: LocalPlan, name: string): string {
  return join(plan.paths.pids, `${name}.pid`);
}

/** The kubelet's container GC minimum age on the clusters the suite makes (docs/kubelet-gc-race.md). */
export const CONTAINER_GC_MIN_AGE = '30s';

/** The components' --feature-gates flag (none when the plan sets no gate). */
export function featureGatesFlag(plan: Pick<LocalPlan, 'featureGates'>): string[] {
  const gates = Object.entries(plan.featureGates);
  return gates.length ? [`--feature-gates=${gates.map(([name, on]) => `${name}=${on}`).join(',')}`] : [];
}

export function kubeletCommandLine(plan: LocalPlan, node: LocalNode, bins: Pick<LocalBinaries, 'components'>): CommandLine {
  return {
    command: bins.components.kubelet,
    args: [
      `--config=${node.paths.kubeletConfig}`,
      `--kubeconfig=${kubeconfigPath(plan, node.kubeletUser)}`,
      `--hostname-override=${node.name}`,
      `--node-ip=${node.ip}`,
      `--root-dir=${node.paths.kubeletRoot}`,
      `--cert-dir=${join(node.paths.kubeletRoot, 'pki')}`,
      // The container GC counts a just-created container as dead; without a minimum age it can remove
      // the previous (killed) container first, and its lastState is lost (docs/kubelet-gc-race.md).
      `--minimum-container-ttl-duration=${CONTAINER_GC_MIN_AGE}`,
      '--v=2',
    ],
  };
}

export function kubeletHealthzURL(node: LocalNode): string {
  return `http://127.0.0.1:${node.ports.kubeletHealthz}/healthz`;
}

export function commandLines(plan: LocalPlan, bins: LocalBinaries, files: ConfigFiles): Record<DaemonName, CommandLine> {
  const p = plan.paths;
  const etcdName = firstNode(plan).name;
  const pki = (f: string) => join(p.pki, f);
  const etcdClient = `http://127.0.0.1:${plan.ports.etcdClient}`;
  const etcdPeer = `http://127.0.0.1:${plan.ports.etcdPeer}`;
  const component = (kubeconfig: Parameters<typeof kubeconfigPath>[1]) => {
    const path = kubeconfigPath(plan, kubeconfig);
    return [`--kubeconfig=${path}`, `--authentication-kubeconfig=${path}`, `--authorization-kubeconfig=${path}`];
  };
  return {
    etcd: {
      command: bins.etcd,
      args: [
        `--name=${etcdName}`,
        `--data-dir=${p.etcdData}`,
        `--listen-client-urls=${etcdClient}`,
        `--advertise-client-urls=${etcdClient}`,
        `--listen-peer-urls=${etcdPeer}`,
        `--initial-advertise-peer-urls=${etcdPeer}`,
        `--initial-cluster=${etcdName}=${etcdPeer}`,
        // a throwaway test cluster: no fsync (much faster on VMs); data is wiped on down()
        '--unsafe-no-fsync',
        '--log-level=warn',
      ],
    },
    'kube-apiserver': {
      command: bins.components['kube-apiserver'],
      args: [
        `--advertise-address=${plan.hostIP}`,
        `--bind-address=${plan.hostIP}`,
        `--secure-port=${plan.ports.apiserver}`,
        `--etcd-servers=${etcdClient}`,
        `--service-cluster-ip-range=${plan.serviceCIDR}`,
        `--tls-cert-file=${pki('apiserver.crt')}`,
        `--tls-private-key-file=${pki('apiserver.key')}`,
        `--client-ca-file=${pki('ca.crt')}`,
        `--kubelet-client-certificate=${pki('apiserver-kubelet-client.crt')}`,
        `--kubelet-client-key=${pki('apiserver-kubelet-client.key')}`,
        '--kubelet-preferred-address-types=InternalIP,Hostname',
        `--service-account-issuer=https://kubernetes.default.svc.${plan.clusterDomain}`,
        `--service-account-key-file=${pki('sa.pub')}`,
        `--service-account-signing-key-file=${pki('sa.key')}`,
        '--authorization-mode=Node,RBAC',
        '--enable-admission-plugins=NodeRestriction',
        '--allow-privileged=true',
        '--profiling=false',
        ...featureGatesFlag(plan),
        '--v=1',
      ],
    },
    'kube-controller-manager': {
      command: bins.components['kube-controller-manager'],
      args: [
        ...component('controller-manager'),
        '--bind-address=127.0.0.1',
        `--secure-port=${plan.ports.controllerManager}`,
        `--service-account-private-key-file=${pki('sa.key')}`,
        `--root-ca-file=${pki('ca.crt')}`,
        '--use-service-account-credentials=true',
        `--cluster-signing-cert-file=${pki('ca.crt')}`,
        `--cluster-signing-key-file=${pki('ca.key')}`,
        `--service-cluster-ip-range=${plan.serviceCIDR}`,
        '--allocate-node-cidrs=true',
        `--cluster-cidr=${plan.podCIDR}`,
        '--node-cidr-mask-size=24',
        '--leader-elect=false',
        '--profiling=false',
        ...featureGatesFlag(plan),
      ],
    },
    'kube-scheduler': {
      command: bins.components['kube-scheduler'],
      args: [...component('scheduler'), '--bind-address=127.0.0.1', `--secure-port=${plan.ports.scheduler}`, '--leader-elect=false', '--profiling=false', ...featureGatesFlag(plan)],
    },
    'kube-proxy': { command: bins.components['kube-proxy'], args: [`--config=${files.kubeProxy}`, '--v=1'] },
    ...Object.fromEntries(
      plan.nodes.flatMap((node) => [
        [node.daemons.containerd, { command: plan.runtime.containerd, args: ['--config', node.paths.containerdConfig, '--log-level', 'info'] }],
        [node.daemons.kubelet, kubeletCommandLine(plan, node, bins)],
      ]),
    ),
  };
}

/** Daemons started by this process, for emergencyStop(). */
const started = new Map<string, Daemon>();

export function startedDaemons(): Daemon[] {
  return [...started.values()];
}

export function tail(path: string, lines = 15): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function startAndWait(
  plan: LocalPlan,
  name: DaemonName,
  line: CommandLine,
  ready: () => Promise<boolean>,
  timeoutMs: number,
  log: Log,
): Promise<Daemon> {
  const file = logFile(plan, name);
  log(`starting ${name} (log: ${file})`);
  const daemon = startDaemon({ name, command: line.command, args: line.args, logFile: file, pidFile: pidFile(plan, name) });
  started.set(`${plan.paths.root}:${name}`, daemon);
  await waitForDaemon(daemon, ready, timeoutMs, log);
  return daemon;
}

async function waitForDaemon(daemon: Daemon, ready: () => Promise<boolean>, timeoutMs: number, log?: Log): Promise<void> {
  try {
    await waitUntilReady(daemon.name, ready, { timeoutMs, died: daemon.exited, ...(log ? { progress: { log } } : {}) });
  } catch (err) {
    if (err instanceof DaemonDied) {
      throw new SetupError(
        `${daemon.name} died at start (exit code ${err.exitCode}); last lines of ${daemon.logFile}:\n${indent(tail(daemon.logFile))}`,
        `read ${daemon.logFile}; then run again (down() and the next up() clean up what is left)`,
      );
    }
    if (err instanceof WaitTimedOut) {
      throw new SetupError(
        `${err.message}; last lines of ${daemon.logFile}:\n${indent(tail(daemon.logFile))}`,
        `read ${daemon.logFile}`,
      );
    }
    throw err;
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

function tlsFor(plan: LocalPlan, user: string): TlsFiles {
  const pki = (f: string) => readFileSync(join(plan.paths.pki, f));
  return { ca: pki('ca.crt'), cert: pki(`${user}.crt`), key: pki(`${user}.key`) };
}

/** Starts every daemon in order and waits until every node is Ready and kube-proxy has synced. */
export async function startCluster(plan: LocalPlan, bins: LocalBinaries, files: ConfigFiles, facts: HostFacts, log: Log): Promise<void> {
  mkdirSync(plan.paths.logs, { recursive: true });
  mkdirSync(plan.paths.pids, { recursive: true });
  mkdirSync(plan.paths.run, { recursive: true });
  const lines = commandLines(plan, bins, files);
  const admin = plan.paths.adminKubeconfig;
  const adminTls = tlsFor(plan, 'admin');

  await startAndWait(plan, 'etcd', lines.etcd!, () => answers200(`http://127.0.0.1:${plan.ports.etcdClient}/health`), 60_000, log);
  await startAndWait(plan, 'kube-apiserver', lines['kube-apiserver']!, () => answers200(`${apiserverURL(plan)}/readyz`, adminTls), 180_000, log);
  await bindApiserverToKubelet(admin);
  await startAndWait(plan, 'kube-controller-manager', lines['kube-controller-manager']!, () => answers200(`https://127.0.0.1:${plan.ports.controllerManager}/healthz`), 120_000, log);
  await startAndWait(plan, 'kube-scheduler', lines['kube-scheduler']!, () => answers200(`https://127.0.0.1:${plan.ports.scheduler}/healthz`), 120_000, log);

  for (const node of plan.nodes) await startNode(plan, node, lines, bins, facts, log);
  await startAndWait(plan, 'kube-proxy', lines['kube-proxy']!, () => answers200(`http://${plan.hostIP}:${plan.ports.kubeProxyHealthz}/healthz`), 120_000, log);
}

/** One node: its containerd (with the sandbox image), then its kubelet, until the node is Ready with the expected podCIDR. */
async function startNode(plan: LocalPlan, node: LocalNode, lines: Record<DaemonName, CommandLine>, bins: LocalBinaries, facts: HostFacts, log: Log): Promise<void> {
  const p = node.paths;
  mkdirSync(p.containerdRoot, { recursive: true });
  mkdirSync(dirname(p.containerdSocket), { recursive: true });
  const containerdReady = async () =>
    existsSync(p.containerdSocket) && (await run(plan.runtime.ctr, ['--address', p.containerdSocket, 'version'], { reject: false, timeoutMs: 10_000 })).exitCode === 0;
  await startAndWait(plan, node.daemons.containerd, lines[node.daemons.containerd]!, containerdReady, 60_000, log);
  log(`importing the sandbox image ${plan.sandboxImage}${plan.nodes.length > 1 ? ` into ${node.daemons.containerd}` : ''}`);
  await importSandboxImage(plan, node, bins.pause, facts.snapshotter);

  mkdirSync(p.kubeletRoot, { recursive: true });
  mkdirSync(p.podLogs, { recursive: true });
  if (node.cgroupRoot) makeCgroupRoot(node.cgroupRoot);
  const kubelet = await startAndWait(plan, node.daemons.kubelet, lines[node.daemons.kubelet]!, () => answers200(kubeletHealthzURL(node)), 120_000, log);
  log(`waiting for node ${node.name} to be Ready`);
  let state: NodeState | undefined;
  try {
    await waitUntilReady(
      `node ${node.name} Ready`,
      async () => {
        state = await nodeState(plan.paths.adminKubeconfig, node.name);
        // the controller-manager allocates podCIDRs in registration order: it must match the CNI config
        return state.ready && state.podCIDR !== undefined;
      },
      { timeoutMs: 180_000, intervalMs: 1_000, died: kubelet.exited, progress: { log, status: () => state?.detail } },
    );
  } catch (err) {
    if (err instanceof WaitTimedOut) {
      throw new SetupError(
        `node ${node.name} not Ready (with a podCIDR) after 180 s (${state?.detail ?? 'not registered'}); last lines of ${kubelet.logFile}:\n${indent(tail(kubelet.logFile))}`,
        `read ${kubelet.logFile} and ${logFile(plan, node.daemons.containerd)}`,
      );
    }
    if (err instanceof DaemonDied) await waitForDaemon(kubelet, async () => false, 0);
    throw err;
  }
  if (state?.podCIDR !== node.podCIDR) {
    throw new SetupError(
      `node ${node.name} got podCIDR ${state?.podCIDR} from the controller-manager, but its CNI bridge ${node.bridge} serves ${node.podCIDR}`,
      'remove nodes left from another cluster (kubectl delete node) or run again from a clean state',
    );
  }
}

/** The pid a pid file names, if that process still runs and is ours (its command line mentions our state). */
export function livePid(plan: LocalPlan, file: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(file, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 1 || !isAlive(pid)) return undefined;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmdline.includes(plan.paths.root) && !cmdline.includes(plan.paths.run)) return undefined;
  } catch {
    return undefined;
  }
  return pid;
}

export function isRunning(plan: LocalPlan, name: DaemonName): boolean {
  return livePid(plan, pidFile(plan, name)) !== undefined;
}

/** Stops daemons (all, or the named ones) in reverse start order, from their pid files. */
export async function stopDaemons(plan: LocalPlan, log: Log, names: readonly DaemonName[] = daemonOrder(plan), graceMs = 10_000): Promise<void> {
  for (const name of daemonOrder(plan).reverse()) {
    if (!names.includes(name)) continue;
    const file = pidFile(plan, name);
    const pid = livePid(plan, file);
    if (pid !== undefined) {
      log(`stopping ${name} (pid ${pid})`);
      await stopProcessGroup(pid, graceMs);
    }
    rmSync(file, { force: true });
    started.delete(`${plan.paths.root}:${name}`);
  }
}

