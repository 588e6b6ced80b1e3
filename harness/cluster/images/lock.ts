import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Log } from '../../common/log.js';
import { isAlive } from '../process/daemon.js';

/**
 * A lock between processes (Jest runs test files in several workers, and each may ask for the
 * same images): a directory created with mkdir, holding the owner's pid. A lock whose owner has
 * died is taken over.
 */
export async function withDirLock<T>(lockDir: string, log: Log, what: string, fn: () => Promise<T>, timeoutMs = 45 * 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'owner'), `${process.pid}\n`);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = lockOwner(lockDir);
    if (owner === 'dead') {
      // Move the stale lock aside atomically, so that two waiters cannot both take it over.
      const aside = `${lockDir}.stale-${process.pid}`;
      try {
        renameSync(lockDir, aside);
        rmSync(aside, { recursive: true, force: true });
      } catch {
        /* another waiter moved it first */
      }
      continue;
    }
    if (!announced) {
      log(`waiting for another process (${owner === 'unknown' ? 'pid unknown' : `pid ${owner}`}) that is ${what}`);
      announced = true;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 60_000} min waiting for the lock ${lockDir} (${what})`);
    await delay(1_000);
  }
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
