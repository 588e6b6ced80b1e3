import { existsSync, readFileSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { found, missing, type CheckResult } from './check.js';

/** The cgroup controllers the kubelet needs, on a cgroup v2 or v1 host. */
export const CGROUP_V2_CONTROLLERS = ['cpu', 'cpuset', 'memory', 'pids'] as const;
export const CGROUP_V1_CONTROLLERS = ['cpu', 'cpuacct', 'cpuset', 'memory', 'pids'] as const;

const CGROUP2_SUPER_MAGIC = 0x63677270;

export interface CgroupOptions {
  /** Default /sys/fs/cgroup. */
  root?: string;
  /** Whether `root` is a cgroup2 mount. Default: its statfs type is CGROUP2_SUPER_MAGIC. */
  isCgroup2?: (root: string) => boolean;
}

export function checkCgroups(options: CgroupOptions = {}): CheckResult & { version: 1 | 2 } {
  const root = options.root ?? '/sys/fs/cgroup';
  const isCgroup2 = options.isCgroup2 ?? ((dir: string) => statfsSync(dir).type === CGROUP2_SUPER_MAGIC);
  let v2: boolean;
  try {
    v2 = isCgroup2(root);
  } catch (err) {
    return {
      ...missing('cgroups', `${root}: ${(err as Error).message}`, {
        what: `no cgroup filesystem at ${root} (${(err as Error).message})`,
        fix: `mount cgroup2 there: mount -t cgroup2 none ${root}`,
      }),
      version: 2,
    };
  }
  if (v2) {
    let controllers: string[] = [];
    try {
      controllers = readFileSync(join(root, 'cgroup.controllers'), 'utf8').trim().split(/\s+/);
    } catch {
      /* none */
    }
    const absent = CGROUP_V2_CONTROLLERS.filter((c) => !controllers.includes(c));
    if (absent.length > 0) {
      return {
        ...missing('cgroups', `v2, controllers not enabled: ${absent.join(', ')}`, {
          what: `cgroup v2 controllers not enabled: ${absent.join(', ')}`,
          fix: `enable them in ${join(root, 'cgroup.subtree_control')}`,
        }),
        version: 2,
      };
    }
    return { ...found('cgroups', `v2 (${CGROUP_V2_CONTROLLERS.join(', ')})`), version: 2 };
  }
  const absent = CGROUP_V1_CONTROLLERS.filter((c) => !existsSync(join(root, c)));
  if (absent.length > 0) {
    const first = absent[0]!;
    return {
      ...missing('cgroups', `v1, controllers not mounted: ${absent.join(', ')}`, {
        what: `cgroup v1 controllers not mounted under ${root}: ${absent.join(', ')}`,
        fix: `mount them, e.g. mkdir ${join(root, first)} && mount -t cgroup -o ${first} cgroup ${join(root, first)}`,
      }),
      version: 1,
    };
  }
  return { ...found('cgroups', `v1 (${CGROUP_V1_CONTROLLERS.join(', ')})`), version: 1 };
}
