import { run } from '../process/run.js';
import { allPorts, type LocalPlan } from '../local/plan.js';
import { found, missing, note, type CheckResult } from './check.js';
import { findExecutable } from './executables.js';

/** The ports a local cluster listens on must be free, except those its own earlier run holds. */
export interface PortUser {
  port: number;
  process: string;
}

/** Parses `ss -Hltnp` output into listening ports and who holds them. */
export function parseListeners(ssOutput: string): PortUser[] {
  const users: PortUser[] = [];
  for (const line of ssOutput.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const local = fields[3];
    if (!local) continue;
    const port = Number(local.slice(local.lastIndexOf(':') + 1));
    if (!Number.isInteger(port)) continue;
    const proc = /users:\(\("([^"]+)",pid=(\d+)/.exec(line);
    users.push({ port, process: proc ? `${proc[1]} (pid ${proc[2]})` : 'an unknown process' });
  }
  return users;
}

/** Each port of the plan that something listens on, named (`port 6443 (apiserver) is used by etcd (pid 12)`). */
export function busyPorts(plan: LocalPlan, listeners: readonly PortUser[]): string[] {
  const busy: string[] = [];
  for (const [name, port] of allPorts(plan)) {
    const user = listeners.find((l) => l.port === port);
    if (user) busy.push(`port ${port} (${name}) is used by ${user.process}`);
  }
  return busy;
}

export const PORTS_FIX = 'stop that process (another Kubernetes, etcd or kind cluster on this machine?) and run again';

export interface PortCheckOptions {
  path?: string;
  /**
   * An earlier run of this suite left its cluster (plan.paths.root exists): up() stops it before
   * it checks the ports, so ports held now are a note, not a problem.
   */
  earlierRunLeftovers?: boolean;
}

export async function checkLocalPorts(plan: LocalPlan, options: PortCheckOptions = {}): Promise<CheckResult> {
  const ss = findExecutable('ss', options.path);
  if (!ss) return note('ports not checked: ss (apt package iproute2) is not installed');
  const r = await run(ss, ['-Hltnp'], { reject: false, timeoutMs: 20_000 }).catch((err: unknown) => ({ exitCode: -1, stdout: '', stderr: String(err) }));
  if (r.exitCode !== 0) return note(`ports not checked: ss -Hltnp failed (${(r.stderr || r.stdout).trim().split('\n').pop() ?? `exit ${r.exitCode}`})`);
  const busy = busyPorts(plan, parseListeners(r.stdout));
  const ports = allPorts(plan).map(([, p]) => p).join(', ');
  if (busy.length === 0) return found('ports', `free: ${ports}`);
  if (options.earlierRunLeftovers) {
    return {
      ...found('ports', `${busy.length} held, by the earlier run's cluster in ${plan.paths.root} it seems`),
      notes: [`${busy.join('; ')}: an earlier run's cluster is in ${plan.paths.root}, and the run stops it before it checks the ports again`],
    };
  }
  return missing('ports', busy.join('; '), { what: busy.join('; '), fix: PORTS_FIX });
}
