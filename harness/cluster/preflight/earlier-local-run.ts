import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '../process/daemon.js';
import type { LocalPlan } from '../local/plan.js';
import { found, missing, type CheckResult } from './check.js';

/**
 * What an earlier run of this suite left of its local cluster. Its state dir (plan.paths.root)
 * is what LocalProvider.up() cleans up before its own port check, unless the run that made it
 * (owner.pid) is still alive: then the cluster is in use and up() refuses.
 */
export interface EarlierLocalRun {
  /** plan.paths.root exists: up() stops what it left (daemons, mounts, network) first. */
  leftovers: boolean;
  /** The pid of a run still alive that owns the cluster (not this process). */
  liveOwner?: number;
}

export function ownerFile(plan: Pick<LocalPlan, 'paths'>): string {
  return join(plan.paths.root, 'owner.pid');
}

export function findEarlierLocalRun(plan: Pick<LocalPlan, 'paths'>, self: number = process.pid): EarlierLocalRun {
  const leftovers = existsSync(plan.paths.root);
  let pid: number | undefined;
  try {
    pid = Number(readFileSync(ownerFile(plan), 'utf8').trim());
  } catch {
    pid = undefined;
  }
  const liveOwner = pid !== undefined && Number.isInteger(pid) && pid > 1 && pid !== self && isAlive(pid) ? pid : undefined;
  return { leftovers, ...(liveOwner !== undefined ? { liveOwner } : {}) };
}

export function checkLocalClusterFree(plan: Pick<LocalPlan, 'paths'>, earlier: EarlierLocalRun): CheckResult {
  if (earlier.liveOwner !== undefined) {
    return missing('local cluster', `in use by run ${earlier.liveOwner}`, {
      what: `the local cluster in ${plan.paths.root} is in use by another run (pid ${earlier.liveOwner})`,
      fix: `wait for that run to finish, or stop it (kill ${earlier.liveOwner}; its cluster is then removed by the next run)`,
    });
  }
  if (earlier.leftovers) {
    return found('local cluster', `an earlier run left ${plan.paths.root}; the run removes it first`);
  }
  return found('local cluster', `none yet in ${plan.paths.root}`);
}
