import { existsSync, readFileSync, statfsSync } from 'node:fs';
import { PreflightError, SetupError } from '../../common/errors.js';
import type { Log } from '../../common/log.js';
import { checkLocalHost } from '../preflight/local-checks.js';
import { checkLocalPorts } from '../preflight/local-ports.js';
import { run } from '../process/run.js';
import type { LocalPlan } from './plan.js';

/**
 * What this machine must offer before a local cluster can start. The checks themselves are the
 * preflight's (harness/cluster/preflight/): here every problem they find becomes one PreflightError
 * listing them all. The facts found (e.g. whether negative oom_score_adj is refused) shape the
 * generated configuration.
 */
export interface HostFacts {
  cgroupVersion: 1 | 2;
  /** False on kernels/VMs that refuse a negative /proc/self/oom_score_adj. */
  negativeOomScoreAdj: boolean;
  snapshotter: 'overlayfs' | 'native';
}

export { CNI_BIN_DIR } from '../preflight/host-commands.js';

/** Throws a SetupError when a port of the plan is taken (run after an earlier run's cluster is stopped). */
export async function checkPortsFree(plan: LocalPlan): Promise<void> {
  const { problems } = await checkLocalPorts(plan);
  const [busy] = problems;
  if (busy) throw new SetupError(busy.what, busy.fix);
}

const OVERLAYFS_SUPER_MAGIC = 0x794c7630;

/** Whether this kernel lets a process lower its oom_score_adj (some sandbox VMs refuse). */
export async function probeNegativeOomScoreAdj(): Promise<boolean> {
  const r = await run('sh', ['-c', 'echo -998 > /proc/self/oom_score_adj'], { reject: false });
  return r.exitCode === 0;
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
  const host = checkLocalHost();
  if (host.problems.length > 0) throw new PreflightError(host.problems, 'local provider');
  const negativeOomScoreAdj = await probeNegativeOomScoreAdj();
  return { cgroupVersion: host.cgroupVersion, negativeOomScoreAdj, snapshotter: snapshotterFor(plan.paths.root) };
}
