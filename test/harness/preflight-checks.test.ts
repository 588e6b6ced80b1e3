import { createServer, type Server } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import YAML from 'yaml';
import { checkCgroups } from '../../harness/cluster/preflight/cgroups.js';
import { checkDockerEngine } from '../../harness/cluster/preflight/docker-engine.js';
import { checkLocalClusterFree, findEarlierLocalRun } from '../../harness/cluster/preflight/earlier-local-run.js';
import { checkExistingContext } from '../../harness/cluster/preflight/existing-context.js';
import { checkFreeDisk, GIB } from '../../harness/cluster/preflight/free-disk.js';
import { checkGo } from '../../harness/cluster/preflight/go-toolchain.js';
import { checkHostCommands, REQUIRED_COMMANDS } from '../../harness/cluster/preflight/host-commands.js';
import { cachedRootfs, checkImageBases } from '../../harness/cluster/preflight/image-bases.js';
import { checkKernelFeatures } from '../../harness/cluster/preflight/kernel-features.js';
import { checkKindCli } from '../../harness/cluster/preflight/kind-cli.js';
import { checkLocalPorts } from '../../harness/cluster/preflight/local-ports.js';
import { checkRoot } from '../../harness/cluster/preflight/root.js';
import { makePlan } from '../../harness/cluster/local/plan.js';
import { existingOptions } from '../../harness/cluster/existing/existing-options.js';
import { readConfig } from '../../harness/run/config.js';
import { answeringDocker, FakeMachine, fakeGo, NO_DAEMON } from './fake-machine.js';

const machines: FakeMachine[] = [];
afterEach(() => machines.splice(0).forEach((m) => m.remove()));
const fresh = () => {
  const m = new FakeMachine();
  machines.push(m);
  return m;
};
const existing = (env: NodeJS.ProcessEnv) => existingOptions(readConfig({ PROBE_PROVIDER: 'existing', ...env }));

describe('preflight: Docker', () => {
  it('a docker client alone (no engine, no dockerd) is a problem whose fix installs docker.io', async () => {
    const m = fresh();
    m.command('docker', NO_DAEMON);
    const r = await checkDockerEngine({ path: m.bin, uid: 0, env: {} });
    expect(r.lines).toEqual([
      { name: 'docker CLI', ok: true, detail: join(m.bin, 'docker') },
      { name: 'docker engine', ok: false, detail: 'not running, and dockerd is not installed' },
    ]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.what).toContain('Cannot connect to the Docker daemon');
    expect(r.problems[0]!.what).toContain('dockerd is not installed');
    expect(r.problems[0]!.fix).toBe('./install.sh (installs apt package docker.io)');
    expect(r.docker).toMatchObject({ answers: false, startable: false });
  });

  it('the kind provider names its own install.sh command', async () => {
    const m = fresh();
    m.command('docker', NO_DAEMON);
    const r = await checkDockerEngine({ path: m.bin, uid: 0, env: {}, provider: 'kind' });
    expect(r.problems[0]!.fix).toBe('./install.sh --provider kind (installs apt package docker.io)');
  });

  it('no engine but root and dockerd installed: startable, no problem, data-root from daemon.json', async () => {
    const m = fresh();
    m.command('docker', NO_DAEMON);
    m.command('dockerd');
    const daemonJson = m.file('daemon.json', JSON.stringify({ 'data-root': '/srv/docker' }));
    const r = await checkDockerEngine({ path: m.bin, uid: 0, env: {}, daemonJson });
    expect(r.problems).toEqual([]);
    expect(r.lines[1]).toEqual({ name: 'docker engine', ok: true, detail: `not running; the run starts ${join(m.bin, 'dockerd')} (root)` });
    expect(r.docker).toMatchObject({ answers: false, startable: true, dataRoot: '/srv/docker' });
  });

  it('not root: dockerd installed is not enough, the engine must answer', async () => {
    const m = fresh();
    m.command('docker', NO_DAEMON);
    m.command('dockerd');
    const r = await checkDockerEngine({ path: m.bin, uid: 1000, env: {} });
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.what).toContain('only root can start one');
  });

  it('an engine that answers is fine, and says where its images live', async () => {
    const m = fresh();
    m.command('docker', answeringDocker('27.3.1', '/var/lib/docker'));
    const r = await checkDockerEngine({ path: m.bin, uid: 1000, env: {} });
    expect(r.problems).toEqual([]);
    expect(r.lines[1]!.detail).toBe('27.3.1 answers docker info');
    expect(r.docker).toMatchObject({ answers: true, version: '27.3.1', dataRoot: '/var/lib/docker' });
  });

  it('no docker CLI at all', async () => {
    const m = fresh();
    const r = await checkDockerEngine({ path: m.bin, uid: 0, env: {} });
    expect(r.lines).toEqual([{ name: 'docker CLI', ok: false, detail: 'not on PATH (apt package docker.io)' }]);
    expect(r.problems[0]!.fix).toContain('./install.sh');
  });

  it('a remote DOCKER_HOST that does not answer is not started here', async () => {
    const m = fresh();
    m.command('docker', NO_DAEMON);
    m.command('dockerd');
    const r = await checkDockerEngine({ path: m.bin, uid: 0, env: { DOCKER_HOST: 'tcp://10.1.2.3:2375' } });
    expect(r.problems[0]!.what).toContain('DOCKER_HOST=tcp://10.1.2.3:2375');
    expect(r.problems[0]!.fix).toContain('unset DOCKER_HOST');
  });
});

describe('preflight: host commands and kernel', () => {
  it('lists every missing command and CNI plugin at once, one problem per Debian package', () => {
    const m = fresh();
    m.commands('ip', 'ss', 'openssl', 'mount', 'umount', 'nsenter', 'iptables', 'iptables-save', 'iptables-restore', 'conntrack');
    const cni = m.dir('cni');
    m.executable('cni/bridge');
    m.executable('cni/loopback');
    const r = checkHostCommands({ path: m.bin, cniBinDir: cni });
    expect(r.lines).toHaveLength(Object.keys(REQUIRED_COMMANDS).length + 4);
    expect(r.lines.filter((l) => !l.ok).map((l) => l.name)).toEqual(['containerd', 'containerd-shim-runc-v2', 'ctr', 'runc', 'CNI host-local', 'CNI portmap']);
    expect(r.problems).toEqual([
      { what: 'containerd, containerd-shim-runc-v2, ctr are missing (the local cluster runs them)', fix: './install.sh (installs apt package containerd)' },
      { what: 'runc is missing (the local cluster runs it)', fix: './install.sh (installs apt package runc)' },
      { what: `${join(cni, 'host-local')}, ${join(cni, 'portmap')} are missing (the local cluster runs them)`, fix: './install.sh (installs apt package containernetworking-plugins)' },
    ]);
  });

  it('a file that is not executable does not count', () => {
    const m = fresh();
    m.file('bin/runc', 'not executable');
    const r = checkHostCommands({ path: m.bin, cniBinDir: m.dir('cni') });
    expect(r.lines.find((l) => l.name === 'runc')!.ok).toBe(false);
  });

  it('kernel: /dev/kmsg, br_netfilter and overlay, each reported', () => {
    const m = fresh();
    m.file('proc/filesystems', 'nodev\tsysfs\nnodev\ttmpfs\n\text4\n');
    const r = checkKernelFeatures({ kmsg: m.path('dev/kmsg'), proc: m.path('proc') });
    expect(r.lines.map((l) => [l.name, l.ok])).toEqual([
      ['/dev/kmsg', false],
      ['br_netfilter', false],
      ['overlay filesystem', false],
    ]);
    expect(r.problems.map((p) => p.fix)).toEqual([`ln -s /dev/console ${m.path('dev/kmsg')}`, 'sudo modprobe br_netfilter (apt package kmod)', 'sudo modprobe overlay']);

    m.file('dev/kmsg');
    m.file('proc/sys/net/bridge/bridge-nf-call-iptables', '1\n');
    m.file('proc/filesystems', 'nodev\tsysfs\nnodev\toverlay\n');
    expect(checkKernelFeatures({ kmsg: m.path('dev/kmsg'), proc: m.path('proc') }).problems).toEqual([]);
  });

  it('cgroups: v2 controllers and v1 mounts', () => {
    const m = fresh();
    const v2 = m.dir('v2');
    writeFileSync(join(v2, 'cgroup.controllers'), 'cpuset cpu io memory\n');
    const r2 = checkCgroups({ root: v2, isCgroup2: () => true });
    expect(r2.version).toBe(2);
    expect(r2.problems).toEqual([{ what: 'cgroup v2 controllers not enabled: pids', fix: `enable them in ${join(v2, 'cgroup.subtree_control')}` }]);

    const v1 = m.dir('v1');
    for (const c of ['cpu', 'cpuacct', 'memory']) mkdirSync(join(v1, c));
    const r1 = checkCgroups({ root: v1, isCgroup2: () => false });
    expect(r1.version).toBe(1);
    expect(r1.problems[0]!.what).toBe(`cgroup v1 controllers not mounted under ${v1}: cpuset, pids`);
    for (const c of ['cpuset', 'pids']) mkdirSync(join(v1, c));
    expect(checkCgroups({ root: v1, isCgroup2: () => false }).problems).toEqual([]);
  });

  it('root', () => {
    expect(checkRoot(0).problems).toEqual([]);
    expect(checkRoot(1000).problems[0]!.fix).toContain('sudo -E npm test');
  });
});

describe('preflight: Go and kind', () => {
  it('finds go on PATH, reads its caches, and refuses one older than 1.24', async () => {
    const m = fresh();
    m.command('go', fakeGo('go1.26.8', '/c/go-build', '/c/mod'));
    const ok = await checkGo({ path: m.bin, fallbacks: [] });
    expect(ok.problems).toEqual([]);
    expect(ok.go).toEqual({ path: join(m.bin, 'go'), version: 'go1.26.8', gocache: '/c/go-build', gomodcache: '/c/mod' });

    m.command('go', fakeGo('go1.22.2', '/c/go-build', '/c/mod'));
    const old = await checkGo({ path: m.bin, fallbacks: [] });
    expect(old.problems[0]!.what).toContain('is go1.22.2');
  });

  it('falls back to /usr/local/go/bin/go (here: an injected path) when go is not on PATH', async () => {
    const m = fresh();
    const go = m.executable('usr/local/go/bin/go');
    writeFileSync(go, `#!/bin/sh\n${fakeGo('go1.25.1', '/g', '/m')}\n`);
    const r = await checkGo({ path: m.bin, fallbacks: [go] });
    expect(r.problems).toEqual([]);
    expect(r.go?.path).toBe(go);
    const none = await checkGo({ path: m.bin, fallbacks: [m.path('nowhere/go')] });
    expect(none.problems[0]!.fix).toContain('https://go.dev/dl');
  });

  it('kind: found on PATH or in the cache needs no Go; otherwise Go is checked', async () => {
    const m = fresh();
    const cacheDir = m.dir('cache');
    const built = await checkKindCli({ cacheDir, path: m.bin, goFallbacks: [] });
    expect(built.willBuild).toBe(true);
    expect(built.problems).toHaveLength(1);
    expect(built.problems[0]!.what).toContain('go install sigs.k8s.io/kind@v0.32.0');
    expect(built.problems[0]!.fix).toContain('./install.sh --provider kind');

    m.executable('cache/kind-v0.32.0/kind');
    const cached = await checkKindCli({ cacheDir, path: m.bin, goFallbacks: [] });
    expect(cached).toMatchObject({ willBuild: false, problems: [] });
  });
});

describe('preflight: image bases', () => {
  it('offline bases (the local default) need debootstrap, unless the rootfs is cached', async () => {
    const m = fresh();
    const cacheDir = m.dir('cache');
    const r = await checkImageBases({ provider: 'local', mode: 'offline', cacheDir, path: m.bin, uid: 0 });
    expect(r.mode).toBe('offline');
    expect(r.problems[0]!.fix).toBe('./install.sh (installs apt package debootstrap), or use --image-bases official (needs Docker Hub)');

    m.command('debootstrap');
    m.file('apt/sources.list.d/debian.sources', 'Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm\nComponents: main\n');
    const ready = await checkImageBases({ provider: 'local', mode: 'offline', cacheDir, path: m.bin, uid: 0, aptDir: `${m.root}/apt` });
    expect(ready.problems).toEqual([]);
    expect(ready.lines.find((l) => l.name === 'Debian mirror')!.detail).toBe(`http://mirror.example/debian (from ${m.root}/apt/sources.list.d/debian.sources)`);

    const bare = fresh();
    const cache2 = bare.dir('cache');
    bare.file(cachedRootfs(cache2).slice(bare.root.length + 1), 'tar');
    const cached = await checkImageBases({ provider: 'local', mode: 'offline', cacheDir: cache2, path: bare.bin, uid: 1000 });
    expect(cached.problems).toEqual([]);
  });

  it('debootstrap needs a Debian mirror: the apt sources\' one, else PROBE_DEBIAN_MIRROR', async () => {
    const m = fresh();
    m.command('debootstrap');
    m.file('apt/sources.list.d/nodesource.sources', 'Types: deb\nURIs: https://deb.nodesource.example/node_20.x\nSuites: nodistro\nComponents: main\n');
    const options = { provider: 'local' as const, mode: 'offline' as const, cacheDir: m.dir('cache'), path: m.bin, uid: 0, aptDir: `${m.root}/apt` };
    const none = await checkImageBases(options);
    expect(none.problems).toHaveLength(1);
    expect(none.problems[0]!.fix).toContain('set PROBE_DEBIAN_MIRROR=<your mirror>');
    const own = await checkImageBases({ ...options, mirror: 'http://apt.internal/debian' });
    expect(own.problems).toEqual([]);
    expect(own.lines.find((l) => l.name === 'Debian mirror')!.detail).toBe('http://apt.internal/debian (from PROBE_DEBIAN_MIRROR)');
  });

  it('official bases (the kind and existing default) need nothing here', async () => {
    const m = fresh();
    expect((await checkImageBases({ provider: 'kind', mode: 'official', cacheDir: m.root, path: m.bin, uid: 1000 })).problems).toEqual([]);
    const offlineKind = await checkImageBases({ provider: 'kind', mode: 'offline', cacheDir: m.root, path: m.bin, uid: 0 });
    expect(offlineKind.problems[0]!.fix).toContain('sudo apt-get install debootstrap');
  });
});

describe('preflight: the local cluster ports and an earlier run', () => {
  const ss = (lines: string[]) => `printf '%s\\n' ${lines.map((l) => `'${l}'`).join(' ')}`;
  const held = ['LISTEN 0 4096 10.200.0.1:6443 0.0.0.0:* users:(("kube-apiserver",pid=4242,fd=7))', 'LISTEN 0 4096 127.0.0.1:22 0.0.0.0:* users:(("sshd",pid=1,fd=3))'];

  it('a port held by another program is a problem', async () => {
    const m = fresh();
    m.command('ss', ss(held));
    const plan = makePlan({ stateDir: m.path('state') });
    const r = await checkLocalPorts(plan, { path: m.bin, earlierRunLeftovers: false });
    expect(r.problems).toEqual([{ what: 'port 6443 (apiserver) is used by kube-apiserver (pid 4242)', fix: expect.stringContaining('stop that process') }]);
  });

  it('ports held while an earlier run left its cluster are a note: the run removes that cluster first', async () => {
    const m = fresh();
    m.command('ss', ss(held));
    const plan = makePlan({ stateDir: m.path('state') });
    mkdirSync(plan.paths.root, { recursive: true });
    const earlier = findEarlierLocalRun(plan);
    expect(earlier).toEqual({ leftovers: true });
    const r = await checkLocalPorts(plan, { path: m.bin, earlierRunLeftovers: earlier.leftovers });
    expect(r.problems).toEqual([]);
    expect(r.notes[0]).toContain('port 6443 (apiserver) is used by kube-apiserver (pid 4242)');
    expect(r.notes[0]).toContain('the run stops it');
    expect(checkLocalClusterFree(plan, earlier).problems).toEqual([]);
  });

  it('a cluster whose run is still alive is in use', () => {
    const m = fresh();
    const plan = makePlan({ stateDir: m.path('state') });
    mkdirSync(plan.paths.root, { recursive: true });
    writeFileSync(join(plan.paths.root, 'owner.pid'), `${process.ppid}\n`);
    const earlier = findEarlierLocalRun(plan);
    expect(earlier.liveOwner).toBe(process.ppid);
    expect(checkLocalClusterFree(plan, earlier).problems[0]!.what).toContain(`in use by another run (pid ${process.ppid})`);
  });

  it('free ports are one ok line', async () => {
    const m = fresh();
    m.command('ss', ss([held[1]!]));
    const r = await checkLocalPorts(makePlan({ stateDir: m.path('state') }), { path: m.bin });
    expect(r.lines).toEqual([{ name: 'ports', ok: true, detail: 'free: 2379, 2380, 6443, 10257, 10259, 10256, 10249, 10250, 10248' }]);
  });
});

describe('preflight: free disk', () => {
  it('adds up what goes to one filesystem and names the variables that move it', () => {
    const m = fresh();
    const needs = [
      { path: m.path('cache/go-build'), bytes: 4 * GIB, what: 'Go build cache', movedBy: 'GOCACHE' },
      { path: m.path('cache/probe'), bytes: 1 * GIB, what: 'binaries', movedBy: 'PROBE_CACHE_DIR' },
      { path: '/elsewhere/state', bytes: 2 * GIB, what: 'cluster state', movedBy: 'PROBE_STATE_DIR' },
    ];
    const deviceOf = (p: string) => (p.startsWith(m.root) ? 1 : 2);
    const r = checkFreeDisk(needs, { deviceOf, freeBytes: (p) => (p.startsWith(m.root) ? 3 * GIB : 50 * GIB) });
    expect(r.lines.map((l) => l.ok)).toEqual([false, true]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.what).toBe(`only 3 GiB free on the filesystem of ${m.path('cache/go-build')}, ${m.path('cache/probe')}; the run writes about 5 GiB there (Go build cache 4 GiB, binaries 1 GiB)`);
    expect(r.problems[0]!.fix).toContain('GOCACHE, PROBE_CACHE_DIR');
  });

  it('measures the nearest existing parent of a path not made yet', () => {
    const m = fresh();
    const seen: string[] = [];
    checkFreeDisk([{ path: m.path('not/yet/there'), bytes: GIB, what: 'x', movedBy: 'X' }], { deviceOf: () => 1, freeBytes: (p) => (seen.push(p), 2 * GIB) });
    expect(seen).toEqual([m.root]);
  });
});

describe('preflight: the existing cluster', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.close();
    server = undefined;
  });

  function kubeconfig(m: FakeMachine, contexts: { name: string; server: string }[], current?: string): string {
    return m.file(
      'kubeconfig',
      YAML.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: contexts.map((c) => ({ name: c.name, cluster: { server: c.server } })),
        users: [{ name: 'u', user: { token: 't' } }],
        contexts: contexts.map((c) => ({ name: c.name, context: { cluster: c.name, user: 'u' } })),
        ...(current ? { 'current-context': current } : {}),
      }),
    );
  }

  it('lists the missing opt-in, the image delivery and an unreachable API server at once', async () => {
    const m = fresh();
    const file = kubeconfig(m, [{ name: 'prod', server: 'https://127.0.0.1:1' }], 'prod');
    const r = await checkExistingContext(existing({ KUBECONFIG: file }), { connectTimeoutMs: 1_000 });
    expect(r.lines.map((l) => [l.name, l.ok])).toEqual([
      ['kubeconfig', true],
      ['context', true],
      ['opt-in', false],
      ['image delivery', false],
      ['API server', false],
    ]);
    expect(r.problems).toHaveLength(3);
    expect(r.problems[0]!.fix).toContain('PROBE_ALLOW_CONTEXT=prod');
    expect(r.problems[1]!.fix).toContain('PROBE_IMAGE_REGISTRY');
    expect(r.problems[2]!.what).toMatch(/^cluster unreachable: https:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/);
  });

  it('a kind context that is opted in and listening passes', async () => {
    const m = fresh();
    server = createServer((s) => s.destroy());
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const file = kubeconfig(m, [{ name: 'kind-probe', server: `https://127.0.0.1:${port}` }], 'kind-probe');
    const r = await checkExistingContext(existing({ KUBECONFIG: file, PROBE_ALLOW_CONTEXT: 'kind-probe' }));
    expect(r.problems).toEqual([]);
    expect(r.delivery).toEqual({ kind: 'kind', cluster: 'probe' });
  });

  it('no kubeconfig, or a context that is not in it', async () => {
    const m = fresh();
    const none = await checkExistingContext(existing({ KUBECONFIG: m.path('missing') }));
    expect(none.problems[0]!.what).toContain('no kubeconfig found');
    const file = kubeconfig(m, [{ name: 'a', server: 'https://127.0.0.1:1' }]);
    const wrong = await checkExistingContext(existing({ KUBECONFIG: file, PROBE_CONTEXT: 'b' }));
    expect(wrong.problems[0]!.what).toContain('context "b" is not in the kubeconfig');
  });
});
