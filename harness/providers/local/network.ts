import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Log } from '../../log.js';
import { run } from '../../process/run.js';
import type { LocalPlan } from './plan.js';

/**
 * The node's own network identity, kept on this machine: a dummy interface holding the node
 * address, routes sending the pod and Service ranges to it (the node's pod /24 is on the CNI
 * bridge, a more specific route), forwarding sysctls, FORWARD ACCEPT (Docker may have set DROP),
 * and a REJECT for pod traffic that would leave through any interface but the CNI bridge.
 * Every step is idempotent; tearDownNetwork undoes them.
 */
export interface NetworkState {
  /** FORWARD's policy before up(); restored on down. */
  forwardPolicyBefore?: string;
}

export const EGRESS_COMMENT = 'probe-conformance: pod traffic stays on this machine';

export function egressRule(plan: LocalPlan): string[] {
  return ['FORWARD', '-s', plan.podCIDR, '!', '-o', plan.bridge, '-m', 'comment', '--comment', EGRESS_COMMENT, '-j', 'REJECT'];
}

async function ok(file: string, args: string[]): Promise<boolean> {
  return (await run(file, args, { reject: false })).exitCode === 0;
}

function writeSysctl(name: string, value: string): void {
  const path = `/proc/sys/${name.replaceAll('.', '/')}`;
  if (readFileSync(path, 'utf8').trim() !== value) writeFileSync(path, value);
}

export async function forwardPolicy(): Promise<string | undefined> {
  const out = (await run('iptables', ['-S', 'FORWARD'], { reject: false })).stdout;
  return /^-P FORWARD (\w+)/m.exec(out)?.[1];
}

/**
 * A link that only holds the node address and swallows what is routed to it: `dummy` where the
 * kernel has it, else a bridge without ports (some VM kernels are built without the dummy
 * driver; a portless bridge behaves the same for local addresses and routes).
 */
async function addAddressOnlyLink(dev: string, log: Log): Promise<void> {
  const dummy = await run('ip', ['link', 'add', dev, 'type', 'dummy'], { reject: false });
  if (dummy.exitCode === 0) return;
  log(`network: no dummy interfaces on this kernel (${dummy.stderr.trim()}); using a bridge without ports for ${dev}`);
  await run('ip', ['link', 'add', dev, 'type', 'bridge']);
}

export async function setUpNetwork(plan: LocalPlan, log: Log): Promise<NetworkState> {
  const dev = plan.dummyInterface;
  log(`network: ${dev} ${plan.nodeIP}/${plan.nodePrefixLength}, routes ${plan.podCIDR} and ${plan.serviceCIDR} -> ${dev}`);
  if (!(await ok('ip', ['link', 'show', dev]))) await addAddressOnlyLink(dev, log);
  await run('ip', ['addr', 'replace', `${plan.nodeIP}/${plan.nodePrefixLength}`, 'dev', dev]);
  await run('ip', ['link', 'set', dev, 'up']);
  await run('ip', ['route', 'replace', plan.podCIDR, 'dev', dev]);
  await run('ip', ['route', 'replace', plan.serviceCIDR, 'dev', dev]);
  writeSysctl('net.ipv4.ip_forward', '1');
  writeSysctl('net.bridge.bridge-nf-call-iptables', '1');
  if (existsSync('/proc/sys/net/bridge/bridge-nf-call-ip6tables')) writeSysctl('net.bridge.bridge-nf-call-ip6tables', '1');
  const state: NetworkState = { forwardPolicyBefore: await forwardPolicy() };
  if (state.forwardPolicyBefore !== 'ACCEPT') await run('iptables', ['-P', 'FORWARD', 'ACCEPT']);
  const rule = egressRule(plan);
  if (!(await ok('iptables', ['-C', ...rule]))) await run('iptables', ['-I', rule[0]!, '1', ...rule.slice(1)]);
  return state;
}

/** Removes what setUpNetwork (and the CNI bridge plugin) created. Safe when nothing exists. */
export async function tearDownNetwork(plan: LocalPlan, state: NetworkState | undefined, log: Log): Promise<void> {
  const rule = egressRule(plan);
  for (let i = 0; i < 10 && (await ok('iptables', ['-C', ...rule])); i++) await run('iptables', ['-D', ...rule]);
  if (state?.forwardPolicyBefore && state.forwardPolicyBefore !== 'ACCEPT') {
    await run('iptables', ['-P', 'FORWARD', state.forwardPolicyBefore], { reject: false });
  }
  for (const dev of [plan.bridge, plan.dummyInterface]) {
    if (await ok('ip', ['link', 'show', dev])) {
      log(`network: deleting ${dev}`);
      await run('ip', ['link', 'del', dev]);
    }
  }
}
