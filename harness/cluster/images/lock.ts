import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Log } from '../../common/log.js';
import { waitFor } from '../../common/wait.js';
import { isAlive } from '../process/daemon.js';

/**
 * A lock between processes (Jest runs test files in several workers, and each may ask for the
 * same images): a directory created with mkdir, holding the owner's pid. A lock whose owner has
 * died is taken over.
 */
export async function withDirLock<T>(lockDir: string, log: Log, what: string, fn: () => Promise<T>, timeoutMs = 45 * 60_000): Promise<T> {
  const take = (): boolean => {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'owner'), `${process.pid}\n`);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      return false;
    }
  };
  let owner: number | 'unknown' | undefined;
  await waitFor(
    () => {
      if (take()) return true;
      const current = lockOwner(lockDir);
      if (current === 'dead') {
        // Move the stale lock aside atomically, so that two waiters cannot both take it over.
        const aside = `${lockDir}.stale-${process.pid}`;
        try {
          renameSync(lockDir, aside);
          rmSync(aside, { recursive: true, force: true });
        } catch {
          /* another waiter moved it first */
        }
        return take(); // false: another waiter took it first; the next check looks at its owner
      }
      if (owner === undefined) log(`waiting for another process (${current === 'unknown' ? 'pid unknown' : `pid ${current}`}) that is ${what}`);
      owner = current;
      return false;
    },
    {
      what: `the lock ${lockDir}`,
      timeoutMs,
      intervalMs: 1_000,
      progress: { log, what: `waiting for the lock ${lockDir} (${what})`, status: () => (owner === undefined || owner === 'unknown' ? undefined : `held by pid ${owner}`) },
      onTimeout: () => `timed out after ${timeoutMs / 60_000} min waiting for the lock ${lockDir} (${what})`,
    },
  );
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function lockOwner(lockDir: string): number | 'dead' | 'unknown' {
  let pid: number | undefined;
  try {
    pid = Number(readFileSync(join(lockDir, 'owner'), 'utf8').trim());
  } catch {
    pid = undefined;
  }
  if (pid !== undefined && Number.isInteger(pid) && pid > 0) return isAlive(pid) ? pid : 'dead';
  // The owner file is written right after mkdir; give a fresh lock a moment before calling it stale.
  try {
    return Date.now() - statSync(lockDir).mtimeMs > 30_000 ? 'dead' : 'unknown';
  } catch {
    return 'unknown';
  }
}
