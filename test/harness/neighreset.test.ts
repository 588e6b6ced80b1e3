/**
 * neighreset on a real kernel with Debian's bridge and host-local plugins: a pod IP given out a
 * second time is reachable from the node at once with it, and not without it (the node keeps the
 * first pod's MAC). Needs root and /usr/lib/cni (install.sh); builds gobuild/neighreset (cached).
 * Everything stays on a bridge of its own (pcnrt0, 10.251.0.0/24) and is removed afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goBuild, neighResetBuild } from '../../harness/cluster/local/binaries.js';
import { CNI_BIN_DIR } from '../../harness/cluster/preflight/host-commands.js';
import { readConfig } from '../../harness/run/config.js';

const BRIDGE = 'pcnrt0';
const NETWORK = 'neighreset-test';
const POD_IP = '10.251.0.2';
const NS = `pcnrt-${process.pid}`;

const missing = process.getuid?.() !== 0 ? 'needs root' : !existsSync(join(CNI_BIN_DIR, 'bridge')) ? `needs the CNI plugins in ${CNI_BIN_DIR} (sudo ./install.sh)` : undefined;
const maybe = missing ? it.skip : it;
const note = missing ? ` (skipped: ${missing})` : '';

let dir = '';
let neighreset = '';
const namespaces = new Set<string>();

const conf = () => ({
  cniVersion: '1.0.0',
  name: NETWORK,
  type: 'bridge',
  bridge: BRIDGE,
  isGateway: true,
  ipMasq: false,
  ipam: { type: 'host-local', dataDir: join(dir, 'ipam'), ranges: [[{ subnet: '10.251.0.0/24', gateway: '10.251.0.1' }]] },
});

function pluginEnv(command: string, ns: string) {
  return { CNI_COMMAND: command, CNI_CONTAINERID: ns, CNI_NETNS: `/var/run/netns/${ns}`, CNI_IFNAME: 'eth0', CNI_PATH: CNI_BIN_DIR };
}

/** A "pod": a network namespace the bridge plugin wires up; with neighreset chained after it or not. */
async function addPod(ns: string, withNeighreset: boolean): Promise<string> {
  await execa('ip', ['netns', 'add', ns]);
  namespaces.add(ns);
  const added = await execa(join(CNI_BIN_DIR, 'bridge'), { input: JSON.stringify(conf()), env: pluginEnv('ADD', ns) });
  if (withNeighreset) {
    const chained = { cniVersion: '1.0.0', name: NETWORK, type: 'neighreset', bridge: BRIDGE, prevResult: JSON.parse(added.stdout) };
    const passed = await execa(neighreset, { input: JSON.stringify(chained), env: pluginEnv('ADD', ns) });
    expect(JSON.parse(passed.stdout)).toEqual(JSON.parse(added.stdout));
  }
  const ips = (JSON.parse(added.stdout) as { ips: { address: string }[] }).ips.map((i) => i.address);
  expect(ips).toEqual([`${POD_IP}/24`]);
  return (await execa('ip', ['netns', 'exec', ns, 'cat', '/sys/class/net/eth0/address'])).stdout.trim();
}

async function deletePod(ns: string): Promise<void> {
  await execa(join(CNI_BIN_DIR, 'bridge'), { input: JSON.stringify(conf()), env: pluginEnv('DEL', ns), reject: false });
  await execa('ip', ['netns', 'del', ns], { reject: false });
  namespaces.delete(ns);
}

/** host-local gives out addresses in turn: make POD_IP the next one again. */
function nextIsPodIp(): void {
  writeFileSync(join(dir, 'ipam', NETWORK, 'last_reserved_ip.0'), '10.251.0.1');
}

/** A TCP connect from the node to a closed port of the pod: 'refused' is an answer, 'timeout' is none. */
function knock(ms: number): Promise<'refused' | 'timeout' | 'connected'> {
  return new Promise((resolve) => {
    const socket = connect({ host: POD_IP, port: 9, timeout: ms });
    socket.on('connect', () => (socket.destroy(), resolve('connected')));
    socket.on('timeout', () => (socket.destroy(), resolve('timeout')));
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED' ? 'refused' : 'timeout'));
  });
}

async function neighbourMac(): Promise<string | undefined> {
  const shown = (await execa('ip', ['-4', 'neigh', 'show', POD_IP, 'dev', BRIDGE])).stdout;
  return /lladdr (\S+)/.exec(shown)?.[1];
}

/** The first pod takes POD_IP and answers (the node learns its MAC); then it goes and a second pod gets POD_IP. */
async function reuse(withNeighreset: boolean): Promise<{ firstMac: string; secondMac: string; macBefore?: string }> {
  nextIsPodIp();
  const first = `${NS}-a`;
  const firstMac = await addPod(first, withNeighreset);
  expect(await knock(2_000)).toBe('refused');
  expect(await neighbourMac()).toBe(firstMac);
  await deletePod(first);
  nextIsPodIp();
  const secondMac = await addPod(`${NS}-b`, withNeighreset);
  return { firstMac, secondMac, macBefore: await neighbourMac() };
}

beforeAll(async () => {
  if (missing) return;
  dir = mkdtempSync(join(tmpdir(), 'probe-conformance-neighreset-'));
  neighreset = await goBuild(neighResetBuild(readConfig()), () => {});
  // a pod that stays keeps the bridge up (a bridge without ports drops its neighbour entries); it takes .254
  mkdirSync(join(dir, 'ipam', NETWORK), { recursive: true });
  writeFileSync(join(dir, 'ipam', NETWORK, 'last_reserved_ip.0'), '10.251.0.253');
  await execa('ip', ['netns', 'add', `${NS}-keep`]);
  namespaces.add(`${NS}-keep`);
  await execa(join(CNI_BIN_DIR, 'bridge'), { input: JSON.stringify(conf()), env: pluginEnv('ADD', `${NS}-keep`) });
}, 10 * 60_000);

afterAll(async () => {
  for (const ns of [...namespaces]) await deletePod(ns);
  await execa('ip', ['link', 'del', BRIDGE], { reject: false });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('neighreset (a CNI plugin of the local provider)', () => {
  maybe(`without it, the node keeps the first pod's MAC for a reused pod IP and the new pod does not answer within 3 s${note}`, async () => {
    const { firstMac, secondMac, macBefore } = await reuse(false);
    expect(secondMac).not.toBe(firstMac);
    expect(macBefore).toBe(firstMac);
    expect(await knock(3_000)).toBe('timeout');
    await deletePod(`${NS}-b`);
  }, 60_000);

  maybe(`with it chained after bridge, the stale entry is gone and the new pod answers at once${note}`, async () => {
    const { firstMac, secondMac, macBefore } = await reuse(true);
    expect(secondMac).not.toBe(firstMac);
    expect(macBefore).toBeUndefined();
    const started = Date.now();
    expect(await knock(2_000)).toBe('refused');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await neighbourMac()).toBe(secondMac);
    await deletePod(`${NS}-b`);
  }, 60_000);
});
