import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { waitAtMost } from '../../common/wait.js';

/**
 * A long-running process (etcd, kubelet, dockerd...) started in its own session, its output
 * written to a log file and its pid to a pid file, so that a later run (or .ci/run) can find
 * and stop what an interrupted run left behind.
 */
export interface DaemonSpec {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  pidFile: string;
  env?: Record<string, string>;
  cwd?: string;
}

export interface Daemon {
  name: string;
  pid: number;
  logFile: string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

export function startDaemon(spec: DaemonSpec): Daemon {
  const out = openSync(spec.logFile, 'a');
  const child = spawn(spec.command, spec.args, {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, ...spec.env },
    cwd: spec.cwd,
  });
  closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start ${spec.name} (${spec.command})`);
  child.unref();
  writeFileSync(spec.pidFile, `${child.pid}\n`);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(-1));
  });
  return { name: spec.name, pid: child.pid, logFile: spec.logFile, exited };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM the process group, then SIGKILL after graceMs; removes the pid file. */
export async function stopProcessGroup(pid: number, graceMs = 10_000): Promise<void> {
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pid, s);
    } catch {
      try {
        process.kill(pid, s);
      } catch {
        /* gone */
      }
    }
  };
  const exited = () => !isAlive(pid);
  signal('SIGTERM');
  if (await waitAtMost(exited, { what: `pid ${pid} to exit after SIGTERM`, timeoutMs: graceMs, intervalMs: 100 })) return;
  signal('SIGKILL');
  await waitAtMost(exited, { what: `pid ${pid} to exit after SIGKILL`, timeoutMs: 5_000, intervalMs: 100 });
}

/** Stops the process recorded in a pid file, if it still runs. */
export async function stopFromPidFile(pidFile: string, graceMs?: number): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 1 && isAlive(pid)) await stopProcessGroup(pid, graceMs);
  rmSync(pidFile, { force: true });
}
