import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive } from '../process/daemon.js';
import { run } from '../process/run.js';
import { dockerdPidFile } from '../docker/engine.js';
import { mountsUnder, processesUsing } from './leftovers.js';
import { OWNED_CHAIN } from './iptables.js';
import { EGRESS_COMMENT } from './network.js';
import type { LocalPlan } from './plan.js';

/**
 * Everything a local run may leave on this machine, each as one line naming it: processes using
 * the cluster's dirs, mounts under them, the dirs themselves, its network links (pc0, pcbr*),
 * iptables chains (KUBE-*, CNI-HOSTPORT-*) and the egress rule, a dockerd the suite started (pid
 * file), and temporary folders. Empty after a clean teardown: what the interrupt tests check
 * (docs/interrupts.md).
 */
export async function localHostTraces(plan: LocalPlan, stateDir: string): Promise<string[]> {
  const traces: string[] = [];
  const pids = processesUsing(plan);
  if (pids.length) traces.push(`processes using ${plan.paths.root} or ${plan.paths.run}: ${pids.map((p) => `${p} (${comm(p)})`).join(', ')}`);
  const mounts = mountsUnder(readFileSync('/proc/self/mountinfo', 'utf8'), [plan.paths.root, plan.paths.run]);
  if (mounts.length) traces.push(`mounts: ${mounts.join(', ')}`);
  for (const dir of [plan.paths.root, plan.paths.run]) if (existsSync(dir)) traces.push(`folder ${dir}`);
  const links = await run('ip', ['-o', 'link', 'show'], { reject: false });
  const ours = [plan.dummyInterface, ...plan.nodes.map((n) => n.bridge)];
  for (const line of links.stdout.split('\n')) {
    const name = /^\d+:\s+([^:@\s]+)/.exec(line)?.[1];
    if (name && ours.includes(name)) traces.push(`network link ${name}`);
  }
  for (const family of ['iptables', 'ip6tables']) {
    const save = await run(`${family}-save`, [], { reject: false });
    if (save.exitCode !== 0) continue;
    const chains = save.stdout.split('\n').filter((l) => l.startsWith(':') && OWNED_CHAIN.test(l.slice(1))).map((l) => l.slice(1).split(' ')[0]);
    if (chains.length) traces.push(`${family} chains: ${chains.slice(0, 5).join(', ')}${chains.length > 5 ? ` and ${chains.length - 5} more` : ''}`);
    if (save.stdout.includes(EGRESS_COMMENT)) traces.push(`${family} rule "${EGRESS_COMMENT}"`);
  }
  const dockerd = dockerdPidFile({ stateDir });
  if (existsSync(dockerd)) {
    const pid = Number(readFileSync(dockerd, 'utf8').trim());
    traces.push(isAlive(pid) ? `dockerd started by the suite still running (pid ${pid}, ${dockerd})` : `stale pid file ${dockerd}`);
  }
  const temps = readdirSync(tmpdir()).filter((f) => f.startsWith('probe-conformance-'));
  if (temps.length) traces.push(`temporary folders in ${tmpdir()}: ${temps.join(', ')}`);
  return traces;
}

function comm(pid: number): string {
  try {
    return readFileSync(join('/proc', String(pid), 'comm'), 'utf8').trim();
  } catch {
    return 'gone';
  }
}
