import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import YAML from 'yaml';
import { checkDockerEngine } from '../../harness/cluster/preflight/docker-engine.js';
import { checkExistingContext } from '../../harness/cluster/preflight/existing-context.js';
import { checkFreeDisk, GIB } from '../../harness/cluster/preflight/free-disk.js';
import { checkGo } from '../../harness/cluster/preflight/go-toolchain.js';
import { checkLocalPorts } from '../../harness/cluster/preflight/local-ports.js';
import { checkRoot } from '../../harness/cluster/preflight/root.js';
import { checkReportBrowser } from '../../harness/cluster/preflight/report-browser.js';
import { makePlan } from '../../harness/cluster/local/plan.js';
import { goBuild } from '../../harness/cluster/local/binaries.js';
import { checkFeatureGates } from '../../harness/cluster/local/feature-gate-check.js';
import { existingOptions } from '../../harness/cluster/existing/existing-options.js';
import { loadScenario } from '../../harness/engine/scenario/load.js';
import { cannotStart } from '../../harness/engine/expect/cannot-start.js';
import { parseOptions } from '../../harness/run/parse-options.js';
import { readConfig, repoRoot } from '../../harness/run/config.js';
import { FakeMachine, fakeGo, NO_DAEMON } from './fake-machine.js';

// docs/errors.md lists every mistake the suite detects with the message it prints and its fix. Each
// row is produced here through the code that prints it: the message must contain the row's text.
const tmp = mkdtempSync(join(tmpdir(), 'probe-errors-doc-'));
const machines: FakeMachine[] = [];
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  machines.forEach((m) => m.remove());
});
const fresh = () => {
  const m = new FakeMachine();
  machines.push(m);
  return m;
};
let n = 0;
const POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: busybox}]\n';
/** The load error of a scenario folder with this scenario.yaml body (and pod.yaml). */
function loadProblem(body: string): string {
  const dir = join(tmp, `s${++n}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'pod.yaml'), POD);
  writeFileSync(join(dir, 'scenario.yaml'), `title: t\nclaims: [{id: MY-1, source: me, text: t, verdict: confirmed}]\n${body}`);
  try {
    loadScenario(dir, repoRoot());
  } catch (e) {
    return (e as Error).message;
  }
  return 'loaded without a problem';
}
const whatAndFix = (r: { problems: { what: string; fix: string }[] }) => r.problems.map((p) => `${p.what}\nfix: ${p.fix}`).join('\n');
function kubeconfig(m: FakeMachine, server: string): string {
  return m.file('kubeconfig', YAML.stringify({ apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'prod', cluster: { server } }], users: [{ name: 'u', user: { token: 't' } }], contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'u' } }], 'current-context': 'prod' }));
}

const produce: Record<string, () => string | Promise<string>> = {
  'bad-field': () => loadProblem('steps:\n  - apply: pod.yaml\n  - expect: {pod: p, containers: {c: {redy: true}}}\n'),
  'unknown-step': () => loadProblem('steps:\n  - apply: pod.yaml\n  - wait: 5s\n'),
  'bad-regex': () => loadProblem("steps:\n  - apply: pod.yaml\n  - expect: {event: {reason: Unhealthy, message: {matches: 'timed (out'}}}\n"),
  'bad-time': () => loadProblem('steps:\n  - apply: pod.yaml\n  - expect: {pod: p, phase: Running}\n    within: liveness[c].periodSecs * 2\n'),
  'missing-manifest': () => loadProblem('steps:\n  - apply: nope.yaml\n'),
  'unknown-pod': () => loadProblem('steps:\n  - apply: pod.yaml\n  - expect: {pod: q, phase: Running}\n'),
  'unknown-container': () => loadProblem('steps:\n  - apply: pod.yaml\n  - expect: {pod: p, containers: {app: {ready: true}}}\n'),
  'duplicate-claim': () => duplicateClaimProblem(),
  'unknown-since': () => loadProblem('steps:\n  - apply: pod.yaml\n  - expect: {pod: p, phase: Running}\n    since: me\n    between: [0s, 5s]\n'),
  'bad-needs': () => loadProblem('needs: {runtime: "containerd newest"}\nsteps:\n  - apply: pod.yaml\n'),
  'bad-option': () => {
    const r = parseOptions(['--nodes', 'two'], {});
    return r.kind === 'error' ? r.error : 'accepted';
  },
  'unknown-feature-gate': async () => {
    const m = fresh();
    const apiserver = m.file('kube-apiserver', "#!/bin/sh\necho '      kube:ContainerStopSignals=true|false (ALPHA - default=false)'\n");
    chmodSync(apiserver, 0o755);
    return checkFeatureGates({ StopSignals: true }, apiserver, 'v1.37.2').then(
      () => 'accepted',
      (e: Error) => e.message,
    );
  },
  'context-opt-in': async () => {
    const m = fresh();
    return whatAndFix(await checkExistingContext(existingOptions(readConfig({ PROBE_PROVIDER: 'existing', KUBECONFIG: kubeconfig(m, 'https://127.0.0.1:1') })), { connectTimeoutMs: 1000 }));
  },
  'unreachable-cluster': async () => {
    const m = fresh();
    return whatAndFix(await checkExistingContext(existingOptions(readConfig({ PROBE_PROVIDER: 'existing', KUBECONFIG: kubeconfig(m, 'https://127.0.0.1:1'), PROBE_ALLOW_CONTEXT: 'prod' })), { connectTimeoutMs: 1000 }));
  },
  'not-root': () => whatAndFix(checkRoot(1000)),
  'port-in-use': async () => {
    const m = fresh();
    m.command('ss', `printf '%s\\n' 'LISTEN 0 4096 10.200.0.1:6443 0.0.0.0:* users:(("kube-apiserver",pid=4242,fd=7))'`);
    return whatAndFix(await checkLocalPorts(makePlan({ stateDir: m.path('state') }), { path: m.bin, earlierRunLeftovers: false }));
  },
  'docker-missing': async () => {
    const m = fresh();
    m.command('docker', NO_DAEMON);
    return whatAndFix(await checkDockerEngine({ path: m.bin, uid: 0, env: {} }));
  },
  'go-missing': async () => whatAndFix(await checkGo({ path: fresh().bin, fallbacks: ['/usr/local/go/bin/go-not-here'] })),
  'go-too-old': async () => {
    const m = fresh();
    m.command('go', fakeGo('go1.22.2', '/c/go-build', '/c/mod'));
    return whatAndFix(await checkGo({ path: m.bin, fallbacks: [] }));
  },
  'build-failed': async () => {
    const dir = join(tmp, 'broken-module');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'go.mod'), 'module example.com/broken\n\ngo 1.24\n');
    writeFileSync(join(dir, 'main.go'), 'package main\n\nfunc main() { undefinedCall() }\n');
    try {
      await goBuild({ name: 'broken', moduleDir: dir, outDir: join(tmp, 'broken-out'), binary: 'broken', ldflags: '', timeoutMs: 120_000, env: { GOCACHE: join(tmp, 'gocache'), GOFLAGS: '-mod=mod' } }, () => undefined);
    } catch (e) {
      return (e as Error).message;
    }
    return 'built';
  },
  'disk-full': () => whatAndFix(checkFreeDisk([{ path: join(tmp, 'cache'), bytes: 4 * GIB, what: 'Go build cache', movedBy: 'GOCACHE' }], { deviceOf: () => 1, freeBytes: () => 1 * GIB })),
  'no-chromium': () => whatAndFix(checkReportBrowser('local', { PATH: fresh().bin })),
  'missing-image': () =>
    cannotStart({ pods: new Map([['p', { metadata: { name: 'p' }, status: { containerStatuses: [{ name: 'c', image: 'probe-conformance/x:1', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ErrImageNeverPull', message: 'Container image "probe-conformance/x:1" is not present with pull policy of Never' } } }] } }]]) }) ?? 'no problem',
  'kubelet-restart-without-pod': () => loadProblem('steps:\n  - apply: pod.yaml\n  - restart: {component: kubelet}\n'),
  'empty-scenarios-dir': () => {
    const empty = join(tmp, 'no-scenarios');
    mkdirSync(empty, { recursive: true });
    const r = spawnSync(process.execPath, [join(repoRoot(), 'harness', 'run', 'cli', 'test-command.mjs'), '--scenarios-dir', empty, '--selectProjects', 'scenarios'], { encoding: 'utf8', env: { ...process.env, PROBE_REPORTS_DIR: join(tmp, 'reports') } });
    return `${r.stderr}${r.stdout}`;
  },
};

/** The load error of a scenario whose two claims have one ID. */
function duplicateClaimProblem(): string {
  const dir = join(tmp, `s${++n}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'pod.yaml'), POD);
  writeFileSync(join(dir, 'scenario.yaml'), 'title: t\nclaims:\n  - {id: MY-1, source: me, text: a, verdict: confirmed}\n  - {id: MY-1, source: me, text: b, verdict: confirmed}\nsteps:\n  - apply: pod.yaml\n');
  try {
    loadScenario(dir, repoRoot());
  } catch (e) {
    return (e as Error).message;
  }
  return 'loaded without a problem';
}

/** The rows of docs/errors.md's table: id, the message text, the fix. */
function documented(): { id: string; message: string; fix: string }[] {
  const text = readFileSync(join(repoRoot(), 'docs', 'errors.md'), 'utf8');
  return [...text.matchAll(/^\| `([a-z-]+)` \| [^|]+ \| `([^`]+)` \| ([^|]+) \|$/gm)].map((m) => ({ id: m[1]!, message: m[2]!, fix: m[3]!.trim() }));
}

describe('docs/errors.md', () => {
  test('lists at least 15 mistakes, each produced by this test', () => {
    const ids = documented().map((d) => d.id);
    expect(ids.length).toBeGreaterThanOrEqual(15);
    expect([...ids].sort()).toEqual(Object.keys(produce).sort());
  });
  test.each(documented())('$id: the suite prints what the page says', async ({ id, message }) => {
    const printed = await produce[id]!();
    expect(printed.replace(/\s+/g, ' ')).toContain(message);
  }, 130_000);
});
