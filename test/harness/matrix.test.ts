import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SetupError } from '../../harness/common/errors.js';
import { planMatrix } from '../../harness/matrix/matrix-cells.js';
import { previousCells, writeMatrixReport } from '../../harness/matrix/matrix-report.js';
import type { MatrixCell } from '../../harness/matrix/matrix-table.js';
import { buildableReleases } from '../../harness/cluster/releases.js';
import { repoRoot } from '../../harness/run/config.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A cell's reports folder as a run writes it: claims.json and one result.json per scenario. */
function cellReports(base: string, label: string, version: string, claims: object[], results: Record<string, object> = {}): MatrixCell {
  const dir = join(base, 'matrix', label);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'claims.json'), JSON.stringify({ kubernetesVersion: version, runtime: 'containerd://1.6.20', claims }));
  for (const [id, result] of Object.entries(results)) {
    mkdirSync(join(dir, 'scenarios', id), { recursive: true });
    writeFileSync(join(dir, 'scenarios', id, 'result.json'), JSON.stringify(result));
  }
  return { label, reportsDir: `matrix/${label}` };
}

const claim = (id: string, scenario: string, verdict: string, outcome: string, extra: object = {}) => ({ claim: id, source: 's', text: `text of ${id}`, verdict, scenario, group: 'upstream', outcome, evidence: [], ...extra });
const timed = (claimId: string, seconds: number) => ({ steps: [{ index: 2, kind: 'expect', name: 'killed', claim: claimId, ok: true, startedAt: 0, endedAt: 1, observed: '', measured: { seconds, min: 10, max: 14 } }] });

describe('the matrix report', () => {
  it('puts claims whose verdict or outcome differs between cells first, takes the scenario that ran of a claim in several, and shows timings', () => {
    const base = mkdtempSync(join(tmpdir(), 'matrix-'));
    dirs.push(base);
    const cells = [
      cellReports(base, '1.35.4', 'v1.35.4', [
        claim('A1', 'A1-s', 'confirmed', 'passed'),
        claim('UP-P22', 'UP-P22-generic', 'confirmed', 'not run', { notRunReason: 'needs Kubernetes <1.35.0 || >=1.36.0' }),
        claim('UP-P22', 'UP-P22-1.35', 'refuted', 'passed'),
        claim('Z9', 'Z9-s', 'confirmed', 'passed'),
      ], { 'A1-s': timed('A1', 11.2) }),
      cellReports(base, '1.36.3', 'v1.36.3', [
        claim('A1', 'A1-s', 'confirmed', 'passed'),
        claim('UP-P22', 'UP-P22-generic', 'confirmed', 'passed'),
        claim('UP-P22', 'UP-P22-1.35', 'refuted', 'not run', { notRunReason: 'needs Kubernetes 1.35.x' }),
        claim('Z9', 'Z9-s', 'confirmed', 'failed'),
      ], { 'A1-s': timed('A1', 12.9) }),
      { label: '1.37.2', reportsDir: 'matrix/1.37.2' },
    ];
    const rows = writeMatrixReport(base, cells);
    expect(rows.map((r) => [r.claim, r.differs])).toEqual([['UP-P22', true], ['Z9', true], ['A1', false]]);
    expect(rows[0]!.entries.map((e) => `${e.outcome} ${e.verdict ?? ''} ${e.scenario ?? ''}`.trim())).toEqual(['passed refuted UP-P22-1.35', 'passed confirmed UP-P22-generic', 'no report']);
    expect(rows[2]!.entries[1]!.timings).toEqual([{ step: 'killed', seconds: 12.9, window: [10, 14] }]);
    expect(cells[2]!.missing).toBe('not run');
    const md = readFileSync(join(base, 'matrix.md'), 'utf8');
    expect(md).toContain('| **UP-P22** | ✓ refuted | ✓ confirmed | no report |');
    expect(md).toContain('| A1 | ✓ confirmed · 11.2s [10, 14] | ✓ confirmed · 12.9s [10, 14] | no report |');
    expect(md).toContain('- 1.36.3: 2 passed, 1 failed, 0 not run (Kubernetes v1.36.3, containerd://1.6.20)');
    const html = readFileSync(join(base, 'matrix.html'), 'utf8');
    expect(html).toContain('<a href="matrix/1.36.3/index.html">1.36.3</a>');
    expect(html).not.toMatch(/<script src|<link /);
    expect(JSON.parse(readFileSync(join(base, 'matrix.json'), 'utf8')).rows).toHaveLength(3);
    // --add reads the cells back as they were asked for, not what the report found out
    expect(previousCells(base).map((c) => [c.label, c.reportsDir, c.kubernetesVersion])).toEqual([
      ['1.35.4', 'matrix/1.35.4', undefined],
      ['1.36.3', 'matrix/1.36.3', undefined],
      ['1.37.2', 'matrix/1.37.2', undefined],
    ]);
  });
});

describe('npm run matrix: the cells', () => {
  const env = { HOME: '/home/u' };
  it('one cell per release (a minor means its newest), scenarios only unless told, the other options passed on', () => {
    const plan = planMatrix(['--kubernetes', '1.34,1.35.4', '--scenarios', 'A003-4'], env, repoRoot());
    if (plan === 'help') throw new Error('help');
    expect(plan.cells.map((c) => c.label)).toEqual(['1.34.4', '1.35.4']);
    expect(plan.cells[0]!.args).toEqual(['--kubernetes', '1.34.4', '--scenarios', 'A003-4', '--selectProjects', 'scenarios']);
    expect(plan.reportsDir).toBe(join(repoRoot(), 'reports'));
    expect(plan.add).toBe(false);
    const added = planMatrix(['--add', '--kubernetes', '1.35', '--runtime', 'containerd2'], env, repoRoot());
    if (added === 'help') throw new Error('help');
    expect(added.add).toBe(true);
    expect(added.cells).toEqual([{ label: '1.35.4-containerd2', kubernetes: '1.35.4', runtime: 'containerd2', args: ['--kubernetes', '1.35.4', '--runtime', 'containerd2', '--selectProjects', 'scenarios'] }]);
  });

  it('every release this checkout builds by default; refuses what a matrix cannot do, before anything runs', () => {
    const plan = planMatrix([], env, repoRoot());
    if (plan === 'help') throw new Error('help');
    expect(plan.cells.map((c) => `v${c.kubernetes}`)).toEqual(buildableReleases(repoRoot()));
    expect(planMatrix(['-h'], env, repoRoot())).toBe('help');
    expect(() => planMatrix(['--kubernetes', '1.20'], env, repoRoot())).toThrow(/--kubernetes 1.20: this checkout builds Kubernetes .* none of 1.20/);
    expect(() => planMatrix(['--keep-cluster'], env, repoRoot())).toThrow(SetupError);
    expect(() => planMatrix(['--provider', 'existing'], env, repoRoot())).toThrow(/an existing cluster runs the version it runs/);
    expect(() => planMatrix(['--nodes', '0'], env, repoRoot())).toThrow(/--nodes 0: use a whole number/);
  });
});

describe('npm run matrix, for real (no cluster: the unit project with a filter that selects nothing)', () => {
  it('runs each cell as npm test (Jest starts and reads its config) into its own reports folder, then writes the matrix files', () => {
    const reports = mkdtempSync(join(tmpdir(), 'matrix-run-'));
    dirs.push(reports);
    const cli = join(repoRoot(), 'harness', 'run', 'cli', 'matrix.mjs');
    const env: NodeJS.ProcessEnv = { ...process.env, PROBE_REPORTS_DIR: reports };
    delete env.TS_NODE_TRANSPILE_ONLY;
    const r = spawnSync(process.execPath, [cli, '--kubernetes', '1.34,1.35', '--selectProjects', 'unit', '--testPathPatterns', 'no-such-test-file', '--passWithNoTests'], { encoding: 'utf8', env, timeout: 120_000 });
    expect(r.stderr).not.toContain('Failed to parse the TypeScript config file');
    expect(r.stderr).toMatch(/\[matrix\] cell 1 of 2: 1\.34\.4: npm test -- --kubernetes 1\.34\.4 --selectProjects unit/);
    expect(r.stderr).toMatch(/\[matrix\] cell 1\.35\.4: exit 0 after/);
    expect(r.status).toBe(0);
    for (const f of ['matrix.md', 'matrix.json', 'matrix.html']) expect(existsSync(join(reports, f))).toBe(true);
    expect(existsSync(join(reports, 'matrix', '1.34.4', 'junit.xml'))).toBe(true);
  }, 150_000);
});
