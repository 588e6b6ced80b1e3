import { readFileSync, rmSync } from 'node:fs';
import { isAlive, startDaemon, stopProcessGroup } from '../process/daemon.js';
import { WaitTimedOut } from '../../common/wait.js';
import { answers200, DaemonDied, waitUntilReady } from './health.js';

/**
 * Stopping and starting one daemon of the local cluster again from any process of the run (Jest
 * workers included), from a description the provider put in the run handle: its command line,
 * pid and log files, and the health URL a start waits for. Node control (a node's kubelet) and
 * component restarts (the API server, a kubelet) are made of these.
 */
export interface LocalDaemonSpec {
  command: string;
  args: string[];
  pidFile: string;
  logFile: string;
  /** The daemon's health URL: start waits until it answers 200. */
  healthz: string;
  /** The CA that signed the health endpoint's certificate (https), if it is to be verified. */
  caFile?: string;
}

const STOP_GRACE_MS = 10_000;
const START_TIMEOUT_MS = 90_000;

/** The pid of the daemon the pid file names, if it runs (and is that daemon: same first argument). */
function runningPid(spec: LocalDaemonSpec): number | undefined {
  try {
    const pid = Number(readFileSync(spec.pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 1 || !isAlive(pid)) return undefined;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(spec.args[0]!) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** SIGTERM to the daemon's process group, SIGKILL after 10 s. `label`: e.g. "the kubelet of node n1". */
export async function stopLocalDaemon(label: string, spec: LocalDaemonSpec): Promise<void> {
  const pid = runningPid(spec);
  if (pid === undefined) throw new Error(`${label} is not running (pid file ${spec.pidFile})`);
  await stopProcessGroup(pid, STOP_GRACE_MS);
  if (isAlive(pid)) throw new Error(`${label} (pid ${pid}) did not stop`);
  rmSync(spec.pidFile, { force: true });
}

/** Runs the same command line again and waits until its health URL answers 200. */
export async function startLocalDaemon(label: string, spec: LocalDaemonSpec, signal?: AbortSignal): Promise<void> {
  if (runningPid(spec) !== undefined) throw new Error(`${label} is already running`);
  const daemon = startDaemon({ name: label, command: spec.command, args: spec.args, logFile: spec.logFile, pidFile: spec.pidFile });
  const tls = spec.caFile ? { ca: readFileSync(spec.caFile) } : undefined;
  try {
    await waitUntilReady(daemon.name, () => answers200(spec.healthz, tls), { timeoutMs: START_TIMEOUT_MS, died: daemon.exited, ...(signal ? { signal } : {}) });
  } catch (err) {
    if (err instanceof DaemonDied || err instanceof WaitTimedOut) throw new Error(`${err.message}; see ${spec.logFile}`);
    throw err;
  }
}
