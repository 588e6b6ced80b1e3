import { readdirSync, readFileSync } from 'node:fs';
import type { Log } from '../../common/log.js';
import { waitAtMost } from '../../common/wait.js';
import { isAlive } from '../process/daemon.js';
import { run } from '../process/run.js';
import type { LocalPlan } from './plan.js';

/**
 * What a cluster leaves on the host besides its daemons: containerd shims (they outlive
 * containerd), mounts under the state and run dirs (pod volumes, sandbox network namespaces,
 * overlay snapshots). Found by path, so only this cluster's are touched.
 */
function ourRoots(plan: LocalPlan): string[] {
  return [plan.paths.root, plan.paths.run];
}

/** Mount points under our dirs, deepest first (from /proc/self/mountinfo). */
export function mountsUnder(mountinfo: string, roots: string[]): string[] {
  const points = new Set<string>();
  for (const line of mountinfo.split('\n')) {
    const point = line.split(' ')[4]?.replace(/\\040/g, ' ');
    if (point && roots.some((r) => point === r || point.startsWith(`${r}/`))) points.add(point);
  }
  return [...points].sort((a, b) => b.split('/').length - a.split('/').length || b.localeCompare(a));
}

export async function unmountAll(plan: LocalPlan, log: Log): Promise<void> {
  for (let round = 0; round < 3; round++) {
    const points = mountsUnder(readFileSync('/proc/self/mountinfo', 'utf8'), ourRoots(plan));
    if (points.length === 0) return;
    if (round === 0) log(`unmounting ${points.length} mount(s) under ${ourRoots(plan).join(' and ')}`);
    for (const point of points) await run('umount', ['-l', point], { reject: false });
  }
}

/** Pids whose command line mentions one of our dirs (e.g. `containerd-shim-runc-v2 -address <run>/containerd.sock`). */
export function processesUsing(plan: LocalPlan): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (ourRoots(plan).some((r) => cmdline.includes(`${r}/`) || cmdline.endsWith(r))) pids.push(pid);
    } catch {
      /* gone */
    }
  }
  return pids;
}

/** SIGKILLs what processesUsing() finds (after the CRI reset, normally nothing). */
export async function killLeftoverProcesses(plan: LocalPlan, log: Log): Promise<void> {
  const pids = processesUsing(plan);
  if (pids.length === 0) return;
  log(`killing ${pids.length} leftover process(es) of the cluster: ${pids.join(' ')}`);
  await killAndWait(pids);
}

/** SIGKILLs the pids and waits (up to 5 s) until they are gone. */
export async function killAndWait(pids: number[]): Promise<void> {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  await waitAtMost(() => !pids.some(isAlive), { what: `pids ${pids.join(' ')} to exit after SIGKILL`, timeoutMs: 5_000, intervalMs: 100 });
}
