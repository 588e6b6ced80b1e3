import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The process group of a running e2e.test, in <reportsDir>/upstream-e2e/e2e.test.pid. e2e.test
 * runs in its own process group, started from a Jest test, and signal handlers of a test never
 * fire (Jest gives tests a copy of `process`): so Ctrl-C reaches it through global setup's
 * interrupt handler, in Jest's own process, which stops the group named here.
 */
export function e2ePidFile(reportsDir: string): string {
  return join(reportsDir, 'upstream-e2e', 'e2e.test.pid');
}

export function recordE2ePid(reportsDir: string, pid: number): void {
  const file = e2ePidFile(reportsDir);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${pid}\n`);
}

export function forgetE2ePid(reportsDir: string): void {
  rmSync(e2ePidFile(reportsDir), { force: true });
}

/** Signals the recorded e2e.test process group, if any; returns its pid. */
export function signalRecordedE2e(reportsDir: string, signal: NodeJS.Signals): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(e2ePidFile(reportsDir), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  try {
    process.kill(-pid, signal);
  } catch {
    return undefined; // already gone
  }
  return pid;
}
