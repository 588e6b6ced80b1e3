import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import type { Log } from '../../common/log.js';
import { run } from '../process/run.js';
import { killAndWait } from './leftovers.js';
import type { LocalPlan } from './plan.js';

/**
 * The kubelets' pod cgroups (cgroupfs driver). Node 1's kubelet puts pods under `/kubepods`;
 * a node N > 1 gets its own cgroupRoot (`/probe-node-N`, pods under `/probe-node-N/kubepods`),
 * which must exist in every hierarchy before its kubelet starts. down() kills what is still in
 * those cgroups and removes them.
 */
const CGROUP_MOUNT = '/sys/fs/cgroup';

/** The hierarchies to act in: `/sys/fs/cgroup` itself (cgroup v2) or each v1 hierarchy under it. */
export function hierarchies(): string[] {
  if (existsSync(`${CGROUP_MOUNT}/cgroup.controllers`)) return [CGROUP_MOUNT];
  const seen = new Set<string>();
  const dirs: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(CGROUP_MOUNT);
  } catch {
    return [];
  }
  for (const name of entries) {
    const dir = `${CGROUP_MOUNT}/${name}`;
    try {
      // cpu and cpuacct are often symlinks to one cpu,cpuacct hierarchy
      const real = realpathSync(dir);
      if (!statSync(real).isDirectory() || seen.has(real)) continue;
      seen.add(real);
      dirs.push(dir);
    } catch {
      /* not a directory */
    }
  }
  return dirs;
}

/** Creates `<hierarchy><root>` everywhere (cpuset: with its parent's cpus and mems; v2: with the parent's controllers). */
export function makeCgroupRoot(root: string): void {
  for (const h of hierarchies()) {
    const dir = `${h}${root}`;
    mkdirSync(dir, { recursive: true });
    for (const file of ['cpuset.cpus', 'cpuset.mems']) {
      if (existsSync(`${dir}/${file}`) && readFileSync(`${dir}/${file}`, 'utf8').trim() === '') {
        writeFileSync(`${dir}/${file}`, readFileSync(`${h}/${file}`, 'utf8').trim());
      }
    }
    if (h === CGROUP_MOUNT && existsSync(`${h}/cgroup.subtree_control`)) {
      const controllers = readFileSync(`${h}/cgroup.subtree_control`, 'utf8').trim().split(/\s+/).filter(Boolean);
      if (controllers.length > 0) writeFileSync(`${dir}/cgroup.subtree_control`, controllers.map((c) => `+${c}`).join(' '));
    }
  }
}

/** A directory tree, deepest first (the top last). */
function treeDeepestFirst(top: string): string[] {
  const dirs: string[] = [];
  const walk = (dir: string) => {
    let children: string[];
    try {
      children = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `${dir}/${e.name}`);
    } catch {
      return;
    }
    for (const child of children) walk(child);
    dirs.push(dir);
  };
  walk(top);
  return dirs;
}

/** Our cgroups, deepest first: `<h>/kubepods/...` for node 1, the whole `<h>/<cgroupRoot>` for the others. */
export function podCgroups(plan: LocalPlan): string[] {
  const tops = plan.nodes.map((n) => n.cgroupRoot ?? '/kubepods');
  const all = ['/sys/fs/cgroup', ...hierarchies()].flatMap((h) => tops.map((t) => `${h}${t}`));
  return [...new Set(all)].flatMap(treeDeepestFirst);
}

/**
 * Kills processes still in the kubelets' pod cgroups and removes those cgroups (and the nodes'
 * cgroup roots), so a container whose shim died cannot outlive the cluster and the next kubelet
 * starts from empty cgroups.
 */
export async function clearPodCgroups(plan: LocalPlan, log: Log): Promise<void> {
  const dirs = podCgroups(plan);
  const pids = new Set<number>();
  for (const dir of dirs) {
    try {
      for (const p of readFileSync(`${dir}/cgroup.procs`, 'utf8').split('\n')) if (p.trim()) pids.add(Number(p));
    } catch {
      /* not a leaf or gone */
    }
  }
  if (pids.size > 0) {
    log(`killing ${pids.size} process(es) left in pod cgroups`);
    await killAndWait([...pids]);
  }
  for (const dir of dirs) await run('rmdir', [dir], { reject: false });
}
