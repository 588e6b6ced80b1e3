// Faults a run must survive and name (issue 13): one real `npm test` of the fixture scenarios in
// test/faults/scenarios (--scenarios-dir, with their mutations) on the local provider, then what
// the cluster and the run did, read from the reports: the API server restarted mid-scenario (the
// watches come back, the gap is on the timeline, a moment in it gives no verdict while a cluster
// timestamp still measures), a kubelet restarted mid-scenario, and a scenario whose image is not
// on the node (ErrImageNeverPull, at once, in one line). Root and the local provider; minutes, not
// run by `npm test` (npm run test:faults).
import { beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScenarioResult } from '../../harness/engine/scenario/runner.js';
import { localHostTraces } from '../../harness/cluster/local/host-traces.js';
import { makePlan } from '../../harness/cluster/local/plan.js';
import { readConfig, repoRoot } from '../../harness/run/config.js';

const CLI = join(repoRoot(), 'harness', 'run', 'cli', 'test-command.mjs');
const FIXTURES = join(repoRoot(), 'test', 'faults', 'scenarios');
// The fixtures' run writes its reports here, kept as evidence (output.log: everything it printed).
const reports = join(readConfig().reportsDir, 'faults');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const env: NodeJS.ProcessEnv = { ...process.env, PROBE_REPORTS_DIR: reports, CI: '1' };
delete env.TS_NODE_TRANSPILE_ONLY;
const config = readConfig(env);

let exitCode: number;
let output = '';

function result(id: string): ScenarioResult {
  const dir = join(reports, 'scenarios');
  const folder = readdirSync(dir).find((d) => d.startsWith(id));
  if (!folder) throw new Error(`no result for ${id} under ${dir} (not run? see ${join(reports, 'claims.md')} and ${join(reports, 'output.log')})`);
  return JSON.parse(readFileSync(join(dir, folder, 'result.json'), 'utf8')) as ScenarioResult;
}

const failedStep = (r: ScenarioResult) => r.steps.find((s) => !s.ok);
const notes = (r: ScenarioResult) => r.timeline.filter((e) => e.kind === 'note').map((e) => `${e.subject}: ${e.text}`);

beforeAll(async () => {
  const child = spawn(process.execPath, [CLI, '--scenarios-dir', FIXTURES, '--mutations', 'also', '--selectProjects', 'scenarios'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  exitCode = await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  writeFileSync(join(reports, 'output.log'), output);
}, 1_200_000);

describe('faults a run survives and names (local provider)', () => {
  it('the run goes on to the end: every fixture has a result, and only the two that must fail failed', () => {
    expect(exitCode).not.toBe(0);
    expect(['FAULT-1', 'FAULT-2', 'FAULT-3', 'FAULT-4'].map((id) => [id, result(id).passed])).toEqual([
      ['FAULT-1', true],
      ['FAULT-2', false],
      ['FAULT-3', true],
      ['FAULT-4', false],
    ]);
  });

  it('API server restart: the watches are lost and come back, both gaps are on the timeline, and the kill in the outage is measured on its own timestamp', () => {
    const r = result('FAULT-1');
    const gaps = r.gaps ?? [];
    const down = gaps.find((g) => g.what === 'kube-apiserver down');
    const lost = gaps.find((g) => g.what === 'watches lost');
    expect(down?.to).toBeGreaterThan(down!.from + 20_000);
    expect(lost?.to).toBeGreaterThan(lost!.from);
    expect(lost!.from).toBeGreaterThanOrEqual(down!.from);
    expect(notes(r).some((n) => /^watches: watches re-established/.test(n))).toBe(true);
    const killed = r.steps.find((s) => s.kind === 'expect' && s.measured?.atMs !== undefined);
    expect(killed?.observed).toMatch(/cluster timestamps/);
    // It happened while the API server was down: the kubelet probed and killed on its own.
    expect(killed!.measured!.atMs).toBeGreaterThan(down!.from);
    expect(killed!.measured!.atMs).toBeLessThan(down!.to!);
  });

  it('a moment seen only by the watch after the outage gives no verdict, and says which gap', () => {
    const step = failedStep(result('FAULT-2'));
    expect(step?.observed).toMatch(/^no verdict: .* in or right after a gap \(kube-apiserver down \d+\.\ds-\d+\.\ds\)/);
  });

  it('kubelet restart: the container is kept, the gap is on the timeline, and the liveness kill after it is on time', () => {
    const r = result('FAULT-3');
    const down = (r.gaps ?? []).find((g) => /^kubelet of .* down$/.test(g.what));
    expect(down?.to).toBeGreaterThan(down!.from + 5_000);
    expect(r.steps.every((s) => s.ok)).toBe(true);
  });

  it('a missing image: the scenario fails at once with ErrImageNeverPull, in one line', () => {
    const r = result('FAULT-4');
    const step = failedStep(r)!;
    expect(step.observed).toMatch(/^pod no-image container app cannot start: ErrImageNeverPull: .*probe-conformance\/not-built:1/);
    expect(step.observed).not.toContain('\n');
    expect(step.endedAt - step.startedAt).toBeLessThan(30_000);
  });

  it("the fixtures' mutations fail", () => {
    const dir = join(reports, 'mutations', 'scenarios');
    const runs = existsSync(dir) ? readdirSync(dir).map((d) => JSON.parse(readFileSync(join(dir, d, 'result.json'), 'utf8')) as ScenarioResult) : [];
    expect(runs.map((m) => [m.id, m.passed])).toEqual([
      ['FAULT-1-apiserver-restart-probes-go-on--mutation-the-probe-never-fails', false],
      ['FAULT-3-kubelet-restart-probes-go-on--mutation-the-probe-never-fails', false],
    ]);
  });

  it('nothing is left on the machine', async () => {
    expect(await localHostTraces(makePlan(config), config.stateDir)).toEqual([]);
  });
});
