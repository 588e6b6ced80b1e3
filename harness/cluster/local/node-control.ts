import { readFileSync, rmSync } from 'node:fs';
import { isAlive, startDaemon, stopProcessGroup } from '../process/daemon.js';
import { WaitTimedOut } from '../../common/wait.js';
import { answers200, DaemonDied, waitUntilReady } from './health.js';

/**
 * Node failure on demand for the local provider (2+ nodes): "stopping a node" stops its kubelet
 * (SIGTERM, SIGKILL after 10 s). Its containerd and the pods' containers keep running, as on a
 * node cut off from the network: the control plane only sees the node stop reporting. "Starting"
 * runs the same kubelet command line again. Runs in any process of the run (Jest workers
 * included), from what the provider put in PROBE_NODE_ACCESS.
 */
export interface LocalKubelet {
  command: string;
  args: string[];
  pidFile: string;
  logFile: string;
  /** The kubelet's healthz URL: start waits for it. */
  healthz: string;
}

/** Node name -> how to stop and start its kubelet. */
export type LocalNodeControl = Record<string, LocalKubelet>;

const STOP_GRACE_MS = 10_000;
const START_TIMEOUT_MS = 90_000;

/** The pid of the kubelet the pid file names, if it runs (and is that kubelet: same --config). */
function runningPid(kubelet: LocalKubelet): number | undefined {
  try {
    const pid = Number(readFileSync(kubelet.pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 1 || !isAlive(pid)) return undefined;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(kubelet.args[0]!) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function stopKubelet(node: string, kubelet: LocalKubelet): Promise<void> {
  const pid = runningPid(kubelet);
  if (pid === undefined) throw new Error(`the kubelet of node ${node} is not running (pid file ${kubelet.pidFile})`);
  await stopProcessGroup(pid, STOP_GRACE_MS);
  if (isAlive(pid)) throw new Error(`the kubelet of node ${node} (pid ${pid}) did not stop`);
  rmSync(kubelet.pidFile, { force: true });
}

export async function startKubelet(node: string, kubelet: LocalKubelet, signal?: AbortSignal): Promise<void> {
  if (runningPid(kubelet) !== undefined) throw new Error(`the kubelet of node ${node} is already running`);
  const daemon = startDaemon({ name: `kubelet of ${node}`, command: kubelet.command, args: kubelet.args, logFile: kubelet.logFile, pidFile: kubelet.pidFile });
  try {
    await waitUntilReady(daemon.name, () => answers200(kubelet.healthz), { timeoutMs: START_TIMEOUT_MS, died: daemon.exited, ...(signal ? { signal } : {}) });
  } catch (err) {
    if (err instanceof DaemonDied || err instanceof WaitTimedOut) throw new Error(`${err.message}; see ${kubelet.logFile}`);
    throw err;
  }
}

export function localNodeControl(nodes: LocalNodeControl): (node: string, action: 'stop' | 'start', signal?: AbortSignal) => Promise<void> {
  return async (node, action, signal) => {
    const kubelet = nodes[node];
    if (!kubelet) throw new Error(`node ${node} is not one the local provider can stop and start (${Object.keys(nodes).join(', ') || 'none'})`);
    await (action === 'stop' ? stopKubelet(node, kubelet) : startKubelet(node, kubelet, signal));
  };
}
