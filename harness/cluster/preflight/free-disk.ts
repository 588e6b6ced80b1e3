import { existsSync, statfsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { found, missing, combine, type CheckResult } from './check.js';

/**
 * Free space where the run writes. Needs on the same filesystem add up (the Go cache, the
 * suite's cache and the cluster's state are often all on `/`).
 */
export interface DiskNeed {
  /** Where it is written (need not exist yet: its nearest existing parent is measured). */
  path: string;
  bytes: number;
  /** What is written there, e.g. "Go build cache (GOCACHE)". */
  what: string;
  /** How to put it elsewhere, e.g. "PROBE_CACHE_DIR". */
  movedBy: string;
}

export interface DiskOptions {
  /** Bytes available to this user on the filesystem holding `path` (an existing path). */
  freeBytes?: (path: string) => number;
  /** Identifies the filesystem holding `path` (an existing path). */
  deviceOf?: (path: string) => number;
}

export const GIB = 1024 ** 3;

export function formatGiB(bytes: number): string {
  const gib = bytes / GIB;
  const digits = gib >= 10 || Number.isInteger(gib) ? 0 : gib >= 1 ? 1 : 2;
  return `${Number(gib.toFixed(digits))} GiB`;
}

/** The path itself if it exists, else its nearest existing parent. */
export function existingAncestor(path: string): string {
  let dir = path;
  while (!existsSync(dir)) {
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return dir;
}

const defaultFree = (path: string) => {
  const s = statfsSync(path);
  return s.bavail * s.bsize;
};
const defaultDevice = (path: string) => statSync(path).dev;

export function checkFreeDisk(needs: readonly DiskNeed[], options: DiskOptions = {}): CheckResult {
  const freeBytes = options.freeBytes ?? defaultFree;
  const deviceOf = options.deviceOf ?? defaultDevice;
  const groups = new Map<number, { at: string; needs: DiskNeed[] }>();
  for (const need of needs) {
    if (need.bytes <= 0) continue;
    const at = existingAncestor(need.path);
    const dev = deviceOf(at);
    const group = groups.get(dev) ?? { at, needs: [] };
    group.needs.push(need);
    groups.set(dev, group);
  }
  const results: CheckResult[] = [];
  for (const { at, needs: here } of groups.values()) {
    const total = here.reduce((sum, n) => sum + n.bytes, 0);
    const free = freeBytes(at);
    const paths = [...new Set(here.map((n) => n.path))];
    const breakdown = here.map((n) => `${n.what} ${formatGiB(n.bytes)}`).join(', ');
    const detail = `${formatGiB(free)} free, needs about ${formatGiB(total)} (${breakdown}): ${paths.join(', ')}`;
    if (free >= total) {
      results.push(found('free disk', detail));
      continue;
    }
    const movers = [...new Set(here.map((n) => n.movedBy))].join(', ');
    results.push(
      missing('free disk', detail, {
        what: `only ${formatGiB(free)} free on the filesystem of ${paths.join(', ')}; the run writes about ${formatGiB(total)} there (${breakdown})`,
        fix: `free space on it, or point ${movers} at a filesystem with room (see docs/preflight.md)`,
      }),
    );
  }
  return combine(...results);
}
