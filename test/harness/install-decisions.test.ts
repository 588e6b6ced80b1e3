// install.sh's decisions on simulated machines: PATH holds only a few real tools (bash, sed, grep...)
// and fake commands for what the machine has; a fake apt-cache and apt-get stand in for its apt
// sources; PROBE_INSTALL_ROOT holds its files (CNI plugins, CA
// bundle). The fake apt-get records every call, so a dry run that changes anything fails.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../harness/run/config.js';

const INSTALL_SH = join(repoRoot(), 'install.sh');
const REAL_TOOLS = ['bash', 'sh', 'sed', 'grep', 'dirname', 'head', 'cat'];
// Made in beforeAll, not at load: with -t filtering out every test, neither hook runs (no leak).
let work = '';
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'probe-install-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Debian bookworm's apt candidates (apt-cache policy, read on a bookworm machine). */
const BOOKWORM: Record<string, string> = {
  'docker.io': '20.10.24+dfsg1-1+deb12u1+b6',
  containerd: '1.6.20~ds1-1+deb12u3',
  runc: '1.1.5+ds1-1+deb12u1',
  'containernetworking-plugins': '1.1.1+ds1-3+b5',
  debootstrap: '1.0.128+nmu2+deb12u2',
  iptables: '1.8.9-2',
  iproute2: '6.1.0-3',
  openssl: '3.0.17-1~deb12u2',
  conntrack: '1:1.4.7-1+b2',
  procps: '2:4.0.2-3',
  'util-linux': '2.38.1-5+deb12u3',
  'ca-certificates': '20230311',
  chromium: '156.0.8078.114-1~deb12u1',
  gcc: '4:12.2.0-3',
  'libc6-dev': '2.36-9+deb12u14',
  'libseccomp-dev': '2.5.4-1+deb12u1',
  nodejs: '18.19.0+dfsg-6~deb12u2',
  npm: '9.2.0~ds1-1',
  'golang-go': '2:1.19~1',
};

interface Machine {
  /** Commands on PATH (fakes). `docker` answers `docker info` only when `engineRuns`. */
  commands: string[];
  engineRuns?: boolean;
  goVersion?: string;
  nodeMajor?: number;
  cni?: boolean;
  caBundle?: boolean;
  /** C headers and libseccomp.a (runc's cgo build); gcc goes in commands. */
  cBuild?: 'all' | 'headers';
  apt?: Record<string, string>;
  uid?: number;
}

const SIMPLE = ['containerd', 'runc', 'debootstrap', 'iptables', 'ip', 'ss', 'openssl', 'conntrack', 'ps', 'nsenter', 'dockerd', 'npm', 'chromium', 'gcc'];

function script(path: string, body: string): void {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

let n = 0;
function makeMachine(m: Machine): { env: NodeJS.ProcessEnv; calls: string } {
  const dir = join(work, `m${++n}`);
  const bin = join(dir, 'bin');
  const root = join(dir, 'root');
  mkdirSync(bin, { recursive: true });
  mkdirSync(root, { recursive: true });
  for (const tool of REAL_TOOLS) {
    const real = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (!real) throw new Error(`${tool} not found on this machine`);
    symlinkSync(real, join(bin, tool));
  }
  const calls = join(dir, 'calls.log');
  for (const c of m.commands) {
    if (SIMPLE.includes(c)) script(join(bin, c), 'exit 0');
  }
  if (m.commands.includes('docker')) {
    script(
      join(bin, 'docker'),
      m.engineRuns
        ? '[ "$1" = info ] && echo 26.1.3 && exit 0\nexit 0'
        : '[ "$1" = info ] && { echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1; }\nexit 0',
    );
  }
  if (m.commands.includes('go')) script(join(bin, 'go'), `[ "$1 $2" = "env GOVERSION" ] && echo ${m.goVersion ?? 'go1.26.8'}`);
  if (m.commands.includes('node')) {
    const major = m.nodeMajor ?? 20;
    script(join(bin, 'node'), `[ "$1" = -v ] && echo v${major}.20.2 && exit 0\n[ "$1" = -p ] && echo ${major}`);
  }
  const apt = m.apt ?? BOOKWORM;
  const table = Object.entries(apt).map(([p, v]) => `${p}) echo "$p:"; echo "  Installed: (none)"; echo "  Candidate: ${v}";;`).join('\n  ');
  script(join(bin, 'apt-cache'), `echo "apt-cache $*" >> ${calls}\nfor p in "$2"; do case "$p" in\n  ${table}\n  *) echo "N: Unable to locate package $p";;\nesac; done`);
  script(join(bin, 'apt-get'), `echo "apt-get $*" >> ${calls}`);
  script(join(bin, 'id'), `echo ${m.uid ?? 0}`);
  if (m.cni) {
    mkdirSync(join(root, 'usr/lib/cni'), { recursive: true });
    for (const p of ['bridge', 'host-local', 'portmap', 'loopback']) script(join(root, 'usr/lib/cni', p), 'exit 0');
  }
  if (m.caBundle) {
    mkdirSync(join(root, 'etc/ssl/certs'), { recursive: true });
    writeFileSync(join(root, 'etc/ssl/certs/ca-certificates.crt'), '-----BEGIN CERTIFICATE-----\n');
  }
  if (m.cBuild) {
    mkdirSync(join(root, 'usr/include'), { recursive: true });
    writeFileSync(join(root, 'usr/include/stdio.h'), '/* stdio */\n');
  }
  if (m.cBuild === 'all') {
    mkdirSync(join(root, 'usr/lib/x86_64-linux-gnu'), { recursive: true });
    writeFileSync(join(root, 'usr/lib/x86_64-linux-gnu/libseccomp.a'), '!<arch>\n');
  }
  return { env: { PATH: bin, PROBE_INSTALL_ROOT: root, HOME: dir, LANG: 'C' }, calls };
}

function install(m: Machine, ...args: string[]): { out: string; status: number | null; calls: string[]; wouldInstall: string[] } {
  const { env, calls } = makeMachine(m);
  const r = spawnSync(join(env.PATH!, 'bash'), [INSTALL_SH, ...args], { env, encoding: 'utf8', timeout: 30_000 });
  const out = `${r.stdout}${r.stderr}`;
  const apt = existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : [];
  const line = /would run: apt-get update; apt-get install --no-install-recommends (.*)/.exec(out)?.[1] ?? '';
  return { out, status: r.status, calls: apt.filter((c) => c.startsWith('apt-get')), wouldInstall: line.split(' ').filter(Boolean) };
}

/** A new machine of this project's kind: Go, Node 20, npm, a docker client (no daemon, no docker.io), iproute2 etc. */
const NEW_MACHINE: Machine = {
  commands: ['docker', 'go', 'node', 'npm', 'ip', 'ss', 'openssl', 'ps', 'nsenter'],
  caBundle: true,
};
/** A GitHub Actions Ubuntu runner: Docker's docker-ce (dockerd, engine running) and containerd.io (containerd, runc). */
const GITHUB_RUNNER: Machine = {
  commands: ['docker', 'dockerd', 'containerd', 'runc', 'go', 'node', 'npm', 'iptables', 'ip', 'ss', 'openssl', 'ps', 'nsenter', 'gcc'],
  engineRuns: true,
  caBundle: true,
  cBuild: 'headers',
  apt: { ...BOOKWORM, 'golang-go': '2:1.22~2build1', nodejs: '18.19.1+dfsg-6ubuntu5' },
};
/** A bare Debian bookworm: only its essential tools; bookworm's Go (1.19) and Node.js (18) are too old. */
const BARE_DEBIAN: Machine = { commands: [] };
/** A machine with everything in place. */
const COMPLETE: Machine = {
  commands: ['docker', 'dockerd', 'containerd', 'runc', 'go', 'node', 'npm', 'debootstrap', 'iptables', 'ip', 'ss', 'openssl', 'conntrack', 'ps', 'nsenter', 'chromium', 'gcc'],
  cni: true,
  caBundle: true,
  cBuild: 'all',
};

describe('install.sh --dry-run on simulated machines', () => {
  it('a new machine of this kind (docker client only): installs docker.io for dockerd, and the runtime pieces', () => {
    const r = install(NEW_MACHINE, '--dry-run');
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/missing +dockerd .*would install docker\.io/);
    expect(r.out).toMatch(/found +docker +\S+\/docker/);
    expect(r.wouldInstall).toEqual(['docker.io', 'containerd', 'runc', 'containernetworking-plugins', 'debootstrap', 'iptables', 'conntrack', 'gcc', 'libc6-dev', 'libseccomp-dev', 'chromium']);
    expect(r.calls).toEqual([]);
  });

  it('the same machine for kind: docker.io, and debootstrap for the offline node image', () => {
    const r = install(NEW_MACHINE, '--dry-run', '--provider', 'kind');
    expect(r.wouldInstall).toEqual(['docker.io', 'debootstrap', 'chromium']);
    expect(r.calls).toEqual([]);
  });

  it('a GitHub runner (docker-ce, containerd.io): replaces nothing of Docker, adds only what is missing', () => {
    const r = install(GITHUB_RUNNER, '--dry-run');
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/found +dockerd/);
    expect(r.wouldInstall).toEqual(['containernetworking-plugins', 'debootstrap', 'conntrack', 'libseccomp-dev', 'chromium']);
    expect(r.wouldInstall).not.toEqual(expect.arrayContaining(['docker.io']));
    expect(r.calls).toEqual([]);
  });

  it('a GitHub runner for kind: only debootstrap (used only where Docker Hub does not answer)', () => {
    const r = install(GITHUB_RUNNER, '--dry-run', '--provider', 'kind');
    expect(r.wouldInstall).toEqual(['debootstrap', 'chromium']);
  });

  it('a bare Debian: everything, and one line each for what apt cannot give (Go 1.19, Node 18 are too old)', () => {
    const r = install(BARE_DEBIAN, '--dry-run');
    expect(r.status).toBe(0);
    expect(r.wouldInstall).toEqual([
      'docker.io', 'containerd', 'runc', 'containernetworking-plugins', 'debootstrap',
      'iptables', 'iproute2', 'openssl', 'conntrack', 'procps', 'util-linux', 'gcc', 'libc6-dev', 'libseccomp-dev', 'ca-certificates', 'chromium',
    ]);
    expect(r.out).toMatch(/missing +node +cannot install: .*nodejs >= 20 \(candidate: 18\)/);
    expect(r.out).toMatch(/missing +go +cannot install: .*golang-go >= 1\.24 \(candidate: 19\)/);
    expect(r.out).toContain('cannot install: node go');
    expect(r.calls).toEqual([]);
  });

  it('a complete machine: nothing to install', () => {
    const r = install(COMPLETE, '--dry-run');
    expect(r.status).toBe(0);
    expect(r.out).not.toMatch(/missing/);
    expect(r.out).toContain('system packages: nothing to install');
    expect(r.calls).toEqual([]);
  });

  it('an old Go on PATH is named, not silently used', () => {
    const r = install({ ...COMPLETE, goVersion: 'go1.22.2' }, '--dry-run');
    expect(r.out).toMatch(/missing +go +cannot install: .*go1\.22\.2: Kubernetes and kind need Go 1\.24/);
  });
});

describe('install.sh for real (fake apt-get)', () => {
  it('on a new machine: apt-get update, then installs exactly the missing packages', () => {
    const r = install(NEW_MACHINE);
    expect(r.status).toBe(0);
    expect(r.calls).toEqual(['apt-get update -qq', 'apt-get install -y -qq --no-install-recommends docker.io containerd runc containernetworking-plugins debootstrap iptables conntrack gcc libc6-dev libseccomp-dev chromium']);
  });

  it('on a complete machine: no apt-get at all', () => {
    const r = install(COMPLETE);
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([]);
  });

  it('a package no apt source offers: installs the rest, names it, exits non-zero', () => {
    const { debootstrap: _, ...apt } = BOOKWORM;
    const r = install({ ...NEW_MACHINE, apt });
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/cannot install debootstrap: no apt source offers it/);
    expect(r.calls).toContain('apt-get install -y -qq --no-install-recommends docker.io containerd runc containernetworking-plugins iptables conntrack gcc libc6-dev libseccomp-dev chromium');
  });

  it('not root, with sudo: runs itself again through sudo, keeping PATH and the arguments', () => {
    const machine = { ...NEW_MACHINE, uid: 1000 };
    const { env, calls } = makeMachine(machine);
    writeFileSync(join(env.PATH!, 'sudo'), `#!/bin/sh\necho "sudo $*" >> ${calls}\n`);
    chmodSync(join(env.PATH!, 'sudo'), 0o755);
    const r = spawnSync(join(env.PATH!, 'bash'), [INSTALL_SH, '--provider', 'local'], { env, encoding: 'utf8' });
    expect(r.stdout).toContain('root is needed to install docker.io');
    expect(readFileSync(calls, 'utf8').trim()).toBe(`sudo env PATH=${env.PATH} ${INSTALL_SH} --provider local`);
  });

  it('needs root only when something is to be installed', () => {
    expect(install({ ...COMPLETE, uid: 1000 }).status).toBe(0);
    const r = install({ ...NEW_MACHINE, uid: 1000 });
    expect(r.status).toBe(1);
    expect(r.out).toContain('run as root to install docker.io containerd runc containernetworking-plugins debootstrap iptables conntrack gcc libc6-dev libseccomp-dev chromium (sudo is not installed)');
    expect(r.calls).toEqual([]);
  });
});
