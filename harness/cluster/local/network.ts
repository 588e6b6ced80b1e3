import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Log } from '../../common/log.js';
import { run } from '../process/run.js';
import type { LocalPlan } from './plan.js';

/**
 * The nodes' own network identity, kept on this machine: a dummy interface holding the node
 * addresses (10.200.0.N for node N), routes sending the pod and Service ranges to it (each
 * node's pod /24 is on its CNI bridge pcbr<N-1>, a more specific route), forwarding sysctls,
 * FORWARD ACCEPT (Docker may have set DROP), and a REJECT for pod traffic that would leave
 * through any interface but the CNI bridges (pod -> pod across nodes is routed bridge to
 * bridge). Every step is idempotent; tearDownNetwork undoes them.
 */
export interface NetworkState {
  /** FORWARD's policy before up(); restored on down. */
  forwardPolicyBefore?: string;
}

export const EGRESS_COMMENT = 'probe-conformance: pod traffic stays on this machine';

/** Every node's bridge is pcbr<N-1>: `pcbr+` (an iptables interface wildcard) matches them all. */
export const BRIDGES = 'pcbr+';

export function egressRule(plan: LocalPlan, outInterface: string = BRIDGES): string[] {
  return ['FORWARD', '-s', plan.podCIDR, '!', '-o', outInterface, '-m', 'comment', '--comment', EGRESS_COMMENT, '-j', 'REJECT'];
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
  const addresses = plan.nodes.map((n) => `${n.ip}/${plan.nodePrefixLength}`);
  log(`network: ${dev} ${addresses.join(' ')}, routes ${plan.podCIDR} and ${plan.serviceCIDR} -> ${dev}`);
  if (!(await ok('ip', ['link', 'show', dev]))) await addAddressOnlyLink(dev, log);
  // node 1's first: it stays the primary address (the source of host -> Service traffic)
  for (const address of addresses) await run('ip', ['addr', 'replace', address, 'dev', dev]);
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
  // also the one-bridge form (`! -o pcbr0`) that earlier versions inserted
  for (const rule of [egressRule(plan), ...plan.nodes.map((n) => egressRule(plan, n.bridge))]) {
    for (let i = 0; i < 10 && (await ok('iptables', ['-C', ...rule])); i++) await run('iptables', ['-D', ...rule]);
  }
  if (state?.forwardPolicyBefore && state.forwardPolicyBefore !== 'ACCEPT') {
    await run('iptables', ['-P', 'FORWARD', state.forwardPolicyBefore], { reject: false });
  }
  for (const dev of [...plan.nodes.map((n) => n.bridge), plan.dummyInterface]) {
    if (await ok('ip', ['link', 'show', dev])) {
      log(`network: deleting ${dev}`);
      await run('ip', ['link', 'del', dev]);
    }
  }
}
