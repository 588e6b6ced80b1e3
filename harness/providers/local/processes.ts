import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SetupError } from '../../errors.js';
import type { Log } from '../../log.js';
import { isAlive, startDaemon, stopProcessGroup, type Daemon } from '../../process/daemon.js';
import { run } from '../../process/run.js';
import type { LocalBinaries } from './binaries.js';
import { bindApiserverToKubelet, nodeState } from './cluster-api.js';
import type { writeConfigs } from './configs.js';
import { answers200, DaemonDied, GaveUp, waitFor, type TlsFiles } from './health.js';
import type { HostFacts } from './host-checks.js';
import { importSandboxImage } from './images.js';
import { kubeconfigPath } from './pki.js';
import { apiserverURL, type LocalPlan } from './plan.js';

/**
 * The cluster's daemons as host processes, started in order (etcd -> apiserver (/readyz) ->
 * RBAC -> controller-manager, scheduler -> containerd (+ sandbox image) -> kubelet (node
 * Ready) -> kube-proxy), each in its own session with its log in `<state>/logs/<name>.log`
 * and its pid in `<state>/pids/<name>.pid`, so a later run stops what an interrupted one left.
 */
export const START_ORDER = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'containerd', 'kubelet', 'kube-proxy'] as const;
export type DaemonName = (typeof START_ORDER)[number];

export interface CommandLine {
  command: string;
  args: string[];
}

export type ConfigFiles = ReturnType<typeof writeConfigs>;

export function logFile(plan: LocalPlan, name: string): string {
  return join(plan.paths.logs, `${name}.log`);
}

export function pidFile(plan: LocalPlan, name: string): string {
  return join(plan.paths.pids, `${name}.pid`);
}

export function commandLines(plan: LocalPlan, bins: LocalBinaries, files: ConfigFiles): Record<DaemonName, CommandLine> {
  const p = plan.paths;
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
        `--name=${plan.nodeName}`,
        `--data-dir=${p.etcdData}`,
        `--listen-client-urls=${etcdClient}`,
        `--advertise-client-urls=${etcdClient}`,
        `--listen-peer-urls=${etcdPeer}`,
        `--initial-advertise-peer-urls=${etcdPeer}`,
        `--initial-cluster=${plan.nodeName}=${etcdPeer}`,
        // a throwaway test cluster: no fsync (much faster on VMs); data is wiped on down()
        '--unsafe-no-fsync',
        '--log-level=warn',
      ],
    },
    'kube-apiserver': {
      command: bins.components['kube-apiserver'],
      args: [
        `--advertise-address=${plan.nodeIP}`,
        `--bind-address=${plan.nodeIP}`,
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
      ],
    },
    'kube-scheduler': {
      command: bins.components['kube-scheduler'],
      args: [...component('scheduler'), '--bind-address=127.0.0.1', `--secure-port=${plan.ports.scheduler}`, '--leader-elect=false', '--profiling=false'],
    },
    containerd: { command: 'containerd', args: ['--config', files.containerd, '--log-level', 'info'] },
    kubelet: {
      command: bins.components.kubelet,
      args: [
        `--config=${files.kubelet}`,
        `--kubeconfig=${kubeconfigPath(plan, 'kubelet')}`,
        `--hostname-override=${plan.nodeName}`,
        `--node-ip=${plan.nodeIP}`,
        `--root-dir=${p.kubeletRoot}`,
        `--cert-dir=${join(p.kubeletRoot, 'pki')}`,
        '--v=2',
      ],
    },
    'kube-proxy': { command: bins.components['kube-proxy'], args: [`--config=${files.kubeProxy}`, '--v=1'] },
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
  await waitForDaemon(daemon, ready, timeoutMs);
  return daemon;
}

async function waitForDaemon(daemon: Daemon, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  try {
    await waitFor(daemon.name, ready, { timeoutMs, died: daemon.exited });
  } catch (err) {
    if (err instanceof DaemonDied) {
      throw new SetupError(
        `${daemon.name} died at start (exit code ${err.exitCode}); last lines of ${daemon.logFile}:\n${indent(tail(daemon.logFile))}`,
        `read ${daemon.logFile}; then run again (down() and the next up() clean up what is left)`,
      );
    }
    if (err instanceof GaveUp) {
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

/** Starts every daemon in order and waits until the node is Ready and kube-proxy has synced. */
export async function startCluster(plan: LocalPlan, bins: LocalBinaries, files: ConfigFiles, facts: HostFacts, log: Log): Promise<void> {
  mkdirSync(plan.paths.logs, { recursive: true });
  mkdirSync(plan.paths.pids, { recursive: true });
  mkdirSync(plan.paths.run, { recursive: true });
  const lines = commandLines(plan, bins, files);
  const admin = plan.paths.adminKubeconfig;
  const adminTls = tlsFor(plan, 'admin');

  await startAndWait(plan, 'etcd', lines.etcd, () => answers200(`http://127.0.0.1:${plan.ports.etcdClient}/health`), 60_000, log);
  await startAndWait(plan, 'kube-apiserver', lines['kube-apiserver'], () => answers200(`${apiserverURL(plan)}/readyz`, adminTls), 180_000, log);
  await bindApiserverToKubelet(admin);
  await startAndWait(plan, 'kube-controller-manager', lines['kube-controller-manager'], () => answers200(`https://127.0.0.1:${plan.ports.controllerManager}/healthz`), 120_000, log);
  await startAndWait(plan, 'kube-scheduler', lines['kube-scheduler'], () => answers200(`https://127.0.0.1:${plan.ports.scheduler}/healthz`), 120_000, log);

  mkdirSync(plan.paths.containerdRoot, { recursive: true });
  const containerdReady = async () =>
    existsSync(plan.paths.containerdSocket) && (await run('ctr', ['--address', plan.paths.containerdSocket, 'version'], { reject: false, timeoutMs: 10_000 })).exitCode === 0;
  await startAndWait(plan, 'containerd', lines.containerd, containerdReady, 60_000, log);
  log(`importing the sandbox image ${plan.sandboxImage}`);
  await importSandboxImage(plan, bins.pause, facts.snapshotter);

  mkdirSync(plan.paths.kubeletRoot, { recursive: true });
  mkdirSync(plan.paths.podLogs, { recursive: true });
  const kubelet = await startAndWait(plan, 'kubelet', lines.kubelet, () => answers200(`http://127.0.0.1:${plan.ports.kubeletHealthz}/healthz`), 120_000, log);
  log(`waiting for node ${plan.nodeName} to be Ready`);
  let detail = '';
  try {
    await waitFor(
      `node ${plan.nodeName} Ready`,
      async () => {
        const state = await nodeState(admin, plan.nodeName);
        detail = state.detail;
        return state.ready;
      },
      { timeoutMs: 180_000, intervalMs: 1_000, died: kubelet.exited },
    );
  } catch (err) {
    if (err instanceof GaveUp) {
      throw new SetupError(
        `node ${plan.nodeName} not Ready after 180 s (${detail}); last lines of ${kubelet.logFile}:\n${indent(tail(kubelet.logFile))}`,
        `read ${kubelet.logFile} and ${logFile(plan, 'containerd')}`,
      );
    }
    if (err instanceof DaemonDied) await waitForDaemon(kubelet, async () => false, 0);
    throw err;
  }
  await startAndWait(plan, 'kube-proxy', lines['kube-proxy'], () => answers200(`http://${plan.nodeIP}:${plan.ports.kubeProxyHealthz}/healthz`), 120_000, log);
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
export async function stopDaemons(plan: LocalPlan, log: Log, names: readonly DaemonName[] = START_ORDER, graceMs = 10_000): Promise<void> {
  for (const name of [...START_ORDER].reverse()) {
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

