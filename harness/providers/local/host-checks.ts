import { existsSync, readFileSync, statfsSync } from 'node:fs';
import { SetupError } from '../../errors.js';
import type { Log } from '../../log.js';
import { run, which } from '../../process/run.js';
import { allPorts, type LocalPlan } from './plan.js';

/**
 * What this machine must offer before a local cluster can start, each failure a one-line
 * SetupError with its fix. The facts found (e.g. whether negative oom_score_adj is refused)
 * shape the generated configuration.
 */
export interface HostFacts {
  cgroupVersion: 1 | 2;
  /** False on kernels/VMs that refuse a negative /proc/self/oom_score_adj. */
  negativeOomScoreAdj: boolean;
  snapshotter: 'overlayfs' | 'native';
}

export const CNI_BIN_DIR = '/usr/lib/cni';
const CNI_PLUGINS = ['bridge', 'host-local', 'portmap', 'loopback'];

/** Command -> Debian package that provides it. */
const REQUIRED_COMMANDS: Record<string, string> = {
  containerd: 'containerd',
  'containerd-shim-runc-v2': 'containerd',
  ctr: 'containerd',
  runc: 'runc',
  iptables: 'iptables',
  'iptables-save': 'iptables',
  'iptables-restore': 'iptables',
  ip: 'iproute2',
  ss: 'iproute2',
  openssl: 'openssl',
  conntrack: 'conntrack',
  mount: 'mount',
  umount: 'mount',
  nsenter: 'util-linux',
};

export function checkRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new SetupError(
      'the local provider runs kubelet, containerd and iptables changes on this machine and needs root',
      'run as root (sudo -E npm test), or use PROBE_PROVIDER=kind',
    );
  }
}

export async function checkCommands(): Promise<void> {
  const missing: string[] = [];
  const packages = new Set<string>();
  for (const [command, pkg] of Object.entries(REQUIRED_COMMANDS)) {
    if (!(await which(command))) {
      missing.push(command);
      packages.add(pkg);
    }
  }
  for (const plugin of CNI_PLUGINS) {
    if (!existsSync(`${CNI_BIN_DIR}/${plugin}`)) {
      missing.push(`${CNI_BIN_DIR}/${plugin}`);
      packages.add('containernetworking-plugins');
    }
  }
  if (missing.length > 0) {
    throw new SetupError(
      `missing on this machine: ${missing.join(', ')}`,
      `apt-get install -y ${[...packages].sort().join(' ')}`,
    );
  }
}

export interface PortUser {
  port: number;
  process: string;
}

/** Parses `ss -Hltnp` output into listening ports and who holds them. */
export function parseListeners(ssOutput: string): PortUser[] {
  const users: PortUser[] = [];
  for (const line of ssOutput.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const local = fields[3];
    if (!local) continue;
    const port = Number(local.slice(local.lastIndexOf(':') + 1));
    if (!Number.isInteger(port)) continue;
    const proc = /users:\(\("([^"]+)",pid=(\d+)/.exec(line);
    users.push({ port, process: proc ? `${proc[1]} (pid ${proc[2]})` : 'an unknown process' });
  }
  return users;
}

export async function checkPortsFree(plan: LocalPlan): Promise<void> {
  const listeners = parseListeners((await run('ss', ['-Hltnp'])).stdout);
  const busy: string[] = [];
  for (const [name, port] of allPorts(plan)) {
    const user = listeners.find((l) => l.port === port);
    if (user) busy.push(`port ${port} (${name}) is used by ${user.process}`);
  }
  if (busy.length > 0) {
    throw new SetupError(
      busy.join('; '),
      'stop that process (another Kubernetes, etcd or kind cluster on this machine?) and run again',
    );
  }
}

const CGROUP2_SUPER_MAGIC = 0x63677270;
const OVERLAYFS_SUPER_MAGIC = 0x794c7630;

export function checkCgroups(): 1 | 2 {
  const type = statfsSync('/sys/fs/cgroup').type;
  if (type === CGROUP2_SUPER_MAGIC) {
    const controllers = readFileSync('/sys/fs/cgroup/cgroup.controllers', 'utf8').trim().split(/\s+/);
    const missing = ['cpu', 'cpuset', 'memory', 'pids'].filter((c) => !controllers.includes(c));
    if (missing.length > 0) {
      throw new SetupError(`cgroup v2 controllers not enabled: ${missing.join(', ')}`, 'enable them in /sys/fs/cgroup/cgroup.subtree_control');
    }
    return 2;
  }
  const missing = ['cpu', 'cpuacct', 'cpuset', 'memory', 'pids'].filter((c) => !existsSync(`/sys/fs/cgroup/${c}`));
  if (missing.length > 0) {
    throw new SetupError(
      `cgroup v1 controllers not mounted under /sys/fs/cgroup: ${missing.join(', ')}`,
      `mount them, e.g. mkdir /sys/fs/cgroup/${missing[0]} && mount -t cgroup -o ${missing[0]} cgroup /sys/fs/cgroup/${missing[0]}`,
    );
  }
  return 1;
}

/** Whether this kernel lets a process lower its oom_score_adj (some sandbox VMs refuse). */
export async function probeNegativeOomScoreAdj(): Promise<boolean> {
  const r = await run('sh', ['-c', 'echo -998 > /proc/self/oom_score_adj'], { reject: false });
  return r.exitCode === 0;
}

export function checkKernelBits(): void {
  if (!existsSync('/dev/kmsg')) {
    throw new SetupError('/dev/kmsg is missing (the kubelet\'s OOM watcher needs it)', 'ln -s /dev/console /dev/kmsg');
  }
  if (!existsSync('/proc/sys/net/bridge/bridge-nf-call-iptables')) {
    throw new SetupError(
      'the br_netfilter module is not loaded (pod -> Service -> pod on one bridge would fail)',
      'modprobe br_netfilter (package kmod)',
    );
  }
  if (!readFileSync('/proc/filesystems', 'utf8').includes('overlay')) {
    throw new SetupError('the kernel has no overlay filesystem', 'modprobe overlay');
  }
}

function snapshotterFor(stateDir: string): 'overlayfs' | 'native' {
  let dir = stateDir;
  while (!existsSync(dir)) dir = dir.slice(0, dir.lastIndexOf('/')) || '/';
  return statfsSync(dir).type === OVERLAYFS_SUPER_MAGIC ? 'native' : 'overlayfs';
}

/** Whether `/` is a shared mount (mountinfo's optional field `shared:N`). */
export function rootIsShared(mountinfo: string): boolean {
  for (const line of mountinfo.split('\n')) {
    const fields = line.split(' ');
    if (fields[4] === '/') {
      const optional = fields.slice(6, fields.indexOf('-'));
      return optional.some((f) => f.startsWith('shared:'));
    }
  }
  return false;
}

/** Without systemd `/` is private; the kubelet needs mount propagation (mount --make-rshared /). */
export async function makeRootShared(log: Log): Promise<void> {
  if (rootIsShared(readFileSync('/proc/self/mountinfo', 'utf8'))) return;
  log('making / a shared mount (mount --make-rshared /)');
  await run('mount', ['--make-rshared', '/']);
}

/** All checks that do not depend on ports (those run after stale processes are stopped). */
export async function checkHost(plan: LocalPlan): Promise<HostFacts> {
  checkRoot();
  await checkCommands();
  checkKernelBits();
  const cgroupVersion = checkCgroups();
  const negativeOomScoreAdj = await probeNegativeOomScoreAdj();
  return { cgroupVersion, negativeOomScoreAdj, snapshotter: snapshotterFor(plan.paths.root) };
}
