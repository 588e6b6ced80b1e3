import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import YAML from 'yaml';
import { readConfig, repoRoot, type ProviderName } from '../../harness/run/config.js';
import { makeChoices, type ChosenConfig } from '../../harness/cluster/registry-choice.js';
import { describeError, errorText, PreflightError, SetupError } from '../../harness/common/errors.js';
import { checkBeforeClusterWork, formatChecks, formatPreflight, preflightError, runPreflight, type MachineOptions } from '../../harness/cluster/preflight/index.js';
import { GIB } from '../../harness/cluster/preflight/free-disk.js';
import { checkLocalHost } from '../../harness/cluster/preflight/local-checks.js';
import { answeringDocker, FakeMachine, NO_DAEMON } from './fake-machine.js';

const machines: FakeMachine[] = [];
afterEach(() => machines.splice(0).forEach((m) => m.remove()));

/** The config of a run on m; the `auto` choices as on a machine that reaches Docker Hub unless hubReachable is false. */
async function config(m: FakeMachine, provider: ProviderName, env: NodeJS.ProcessEnv = {}, hubReachable = true): Promise<ChosenConfig> {
  const parsed = readConfig({ PROBE_PROVIDER: provider, PROBE_CACHE_DIR: m.dir('cache'), PROBE_STATE_DIR: m.path('state'), PROBE_REPORTS_DIR: m.path('reports'), ...env });
  return (await makeChoices(parsed, () => Promise.resolve({ reachable: hubReachable, detail: hubReachable ? 'HTTP 401' : 'getaddrinfo ENOTFOUND registry-1.docker.io' }))).config;
}

/** A machine with a docker client and nothing else the local provider needs (no engine, no dockerd, no Go). */
function bareMachine(uid: number): { m: FakeMachine; options: MachineOptions } {
  const m = new FakeMachine();
  machines.push(m);
  m.command('docker', NO_DAEMON);
  m.file('proc/filesystems', 'nodev\tsysfs\n\text4\n');
  const cgroup = m.dir('cgroup');
  writeFileSync(join(cgroup, 'cgroup.controllers'), 'cpuset cpu io memory pids\n');
  return {
    m,
    options: {
      env: { PATH: m.bin },
      uid,
      cniBinDir: m.dir('cni'),
      kmsg: m.path('dev/kmsg'),
      proc: m.path('proc'),
      cgroupRoot: cgroup,
      isCgroup2: () => true,
      daemonJson: m.path('daemon.json'),
      goFallbacks: [],
      disk: { freeBytes: () => 100 * GIB, deviceOf: () => 1 },
    },
  };
}

describe('runPreflight', () => {
  it('local, on a machine with only a docker client and not root: every problem at once', async () => {
    const { m, options } = bareMachine(1000);
    const report = await runPreflight(await config(m, 'local'), options);
    const whats = report.problems.map((p) => p.what);
    expect(whats).toEqual([
      expect.stringContaining('needs root'),
      'containerd, containerd-shim-runc-v2, ctr are missing (the local cluster runs them)',
      'runc is missing (the local cluster runs it)',
      'iptables, iptables-save, iptables-restore are missing (the local cluster runs them)',
      'ip, ss are missing (the local cluster runs them)',
      'openssl is missing (the local cluster runs it)',
      'conntrack is missing (the local cluster runs it)',
      'mount, umount are missing (the local cluster runs them)',
      'nsenter is missing (the local cluster runs it)',
      expect.stringContaining('/cni/bridge'),
      expect.stringContaining('dev/kmsg is missing'),
      expect.stringContaining('br_netfilter'),
      expect.stringContaining('no overlay filesystem'),
      expect.stringContaining('the Go toolchain (go >= 1.24)'),
      expect.stringContaining('only root can start one'),
      'the offline base images are built with debootstrap, which needs root',
      'no Chromium to open the report page (reports/index.html) with',
    ]);
    expect(report.notes).toContain('ports not checked: ss (apt package iproute2) is not installed');
    const text = formatPreflight(report);
    expect(text.split('\n')[0]).toBe(`preflight (local provider): ${report.problems.length} problems`);
    expect(text).toContain('  - runc is missing (the local cluster runs it)\n    fix: ./install.sh (installs apt package runc)');
    expect(formatChecks(report)).toMatch(/^ {2}ok {7}options +1 node\(s\)\n {2}missing {2}root +running as uid 1000\n/);
  });

  it('local as root with only a docker client: Docker is reported not startable, with install.sh as the fix', async () => {
    const { m, options } = bareMachine(0);
    const report = await runPreflight(await config(m, 'local'), options);
    const docker = report.problems.find((p) => p.what.includes('docker info'));
    expect(docker).toEqual({
      what: expect.stringContaining('dockerd is not installed, so the run cannot start one (a docker client alone cannot build images)'),
      fix: './install.sh (installs apt package docker.io)',
    });
    expect(report.problems.find((p) => p.what.includes('root'))).toBeUndefined();
    expect(report.problems.some((p) => p.what.startsWith('debootstrap is not installed'))).toBe(true);
    expect(report.lines.find((l) => l.name === 'docker engine')).toEqual({ name: 'docker engine', ok: false, detail: 'not running, and dockerd is not installed' });
  });

  it('kind: no engine and no Go (kind is not found, so it would be built)', async () => {
    const { m, options } = bareMachine(0);
    const report = await runPreflight(await config(m, 'kind', { PROBE_NODES: '2' }), options);
    expect(report.lines[0]).toEqual({ name: 'kind options', ok: true, detail: expect.stringMatching(/^2 node\(s\), kindest\/node:/) });
    expect(report.problems.map((p) => p.fix)).toEqual(['./install.sh --provider kind (installs apt package docker.io)', expect.stringContaining('./install.sh --provider kind'), './install.sh --provider kind (installs apt package chromium)']);
    expect(formatPreflight(report).split('\n')[0]).toBe('preflight (kind provider): 3 problems');
  });

  it('kind without Docker Hub (auto: the built node image): Go and the debootstrap base are checked too', async () => {
    const { m, options } = bareMachine(0);
    const report = await runPreflight(await config(m, 'kind', {}, false), options);
    expect(report.lines[0]).toEqual({ name: 'kind options', ok: true, detail: "1 node(s), the suite's own node image (built offline)" });
    const problems = report.problems.map((p) => p.what).join('\n');
    expect(problems).toMatch(/\bGo\b.*kind node image/);
    expect(problems).toMatch(/^debootstrap is not installed/m);
    const official = await runPreflight(await config(m, 'kind', { PROBE_KIND_NODE_IMAGE: 'kindest/node:v1.34.0' }, false), options);
    expect(official.problems.map((p) => p.what).join('\n')).not.toMatch(/kind node image/);
  });

  it('the options line shows what the config asks for', async () => {
    const { m, options } = bareMachine(0);
    const report = await runPreflight(await config(m, 'local', { PROBE_NODES: '2' }), options);
    expect(report.lines[0]).toEqual({ name: 'options', ok: true, detail: '2 node(s)' });
  });

  it('checkLocalHost (what LocalProvider.checkHost throws from) finds the same problems', () => {
    const { options } = bareMachine(1000);
    const host = checkLocalHost(options);
    expect(host.cgroupVersion).toBe(2);
    expect(host.problems).toHaveLength(13);
  });
});

describe('PreflightError', () => {
  const problems = [
    { what: 'runc is missing', fix: './install.sh (installs apt package runc)' },
    { what: 'the br_netfilter module is not loaded', fix: 'sudo modprobe br_netfilter (apt package kmod)' },
  ];

  it('is a SetupError whose message lists every problem, so describeError prints them all', () => {
    const err = new PreflightError(problems, 'local provider');
    expect(err).toBeInstanceOf(SetupError);
    expect(err.problems).toEqual(problems);
    expect(describeError(err)).toBe(
      'probe-conformance: preflight (local provider): 2 problems\n' +
        '  - runc is missing\n    fix: ./install.sh (installs apt package runc)\n' +
        '  - the br_netfilter module is not loaded\n    fix: sudo modprobe br_netfilter (apt package kmod)',
    );
    expect(err.cause_).toBe('preflight (local provider): 2 problems: runc is missing; the br_netfilter module is not loaded');
    expect(err.fix).toBe('./install.sh (installs apt package runc); sudo modprobe br_netfilter (apt package kmod)');
  });

  it('checkBeforeClusterWork throws it with every problem', async () => {
    const { m, options } = bareMachine(1000);
    const err = await checkBeforeClusterWork(await config(m, 'kind'), () => undefined, options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PreflightError);
    expect((err as PreflightError).problems.length).toBeGreaterThan(1);
    expect(preflightError({ provider: 'kind', lines: [], problems, notes: [] }).message.split('\n')[0]).toBe('preflight (kind provider): 2 problems');
  });
});

describe('npm test -- --doctor', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.close();
    server = undefined;
  });

  const cli = join(repoRoot(), 'harness', 'run', 'cli', 'test-command.mjs');
  function doctor(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [cli, '--doctor', ...args], { env: { HOME: '/nonexistent', ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('runs only the preflight, honours --provider, prints one line per check and the problems, and exits 1', async () => {
    const m = new FakeMachine();
    machines.push(m);
    m.command('docker', NO_DAEMON);
    const r = await doctor(['--provider', 'existing', '--context', 'x', '-t', 'A000'], { PATH: m.bin, KUBECONFIG: m.path('none'), PROBE_CACHE_DIR: m.dir('cache'), PROBE_IMAGE_BASES: 'official' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--doctor runs no tests; ignoring -t A000');
    expect(r.stdout).toContain('doctor: what the existing provider needs');
    expect(r.stdout).toMatch(/\n {2}missing {2}kubeconfig +no kubeconfig found/);
    expect(r.stdout).toMatch(/\n {2}ok {7}docker CLI +/);
    expect(r.stdout).toContain('preflight (existing provider): 3 problems');
    expect(r.stdout).toContain('  - no Chromium to open the report page (reports/index.html) with\n    fix: ./install.sh --provider existing (installs apt package chromium)');
  }, 60_000);

  it('exits 0 when nothing is missing', async () => {
    const m = new FakeMachine();
    machines.push(m);
    m.command('docker', answeringDocker('27.3.1', '')); // no local data root: no disk need
    m.command('kind');
    server = createServer((s) => s.destroy());
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const kubeconfig = m.file(
      'kubeconfig',
      YAML.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'kind-probe', cluster: { server: `https://127.0.0.1:${port}` } }],
        users: [{ name: 'u', user: { token: 't' } }],
        contexts: [{ name: 'kind-probe', context: { cluster: 'kind-probe', user: 'u' } }],
        'current-context': 'kind-probe',
      }),
    );
    m.commands('chromium');
    const r = await doctor(['--provider=existing', '--allow-context', 'kind-probe'], { PATH: m.bin, KUBECONFIG: kubeconfig, PROBE_CACHE_DIR: m.dir('cache'), PROBE_IMAGE_BASES: 'official' });
    expect(r.stdout).toContain('preflight (existing provider): no problems');
    expect(r.stdout).not.toContain('missing');
    expect(r.code).toBe(0);
  }, 60_000);

  it('checks the flags given with it as npm test does', async () => {
    const r = await doctor(['--nodes', '0'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--nodes 0: use a whole number from 1 to 10');
  });
});

describe('errorText: a message for anything thrown', () => {
  it('an Error, an event-like object (a WebSocket ErrorEvent), a plain object, a string; never [object Object]', () => {
    expect(errorText(new Error('boom'))).toBe('boom');
    expect(errorText({ type: 'error', message: 'Unexpected server response: 500', target: {} })).toBe('error: Unexpected server response: 500');
    expect(errorText({ code: 500 })).toBe('{"code":500}');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(errorText(circular)).toBe('[object Object] without a message');
    expect(errorText('plain')).toBe('plain');
  });
});
