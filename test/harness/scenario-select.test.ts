import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { readConfig, repoRoot } from '../../harness/run/config.js';
import { discoverScenarioDirs } from '../../harness/engine/scenario/load.js';
import { selectScenarioDirs, unknownScenariosError } from '../../harness/engine/scenario/select.js';
import { claimRows } from '../../harness/engine/report/claims.js';

const dirs = ['/s/A001-8-prestop-exec-hook-hostpath', '/s/A001-9-poststart-failure-kills-container', '/s/A001-9-prestop-on-liveness-kill-not-on-exit', '/s/A001-10-probe-defaults-measured', '/s/A003-7-bare-pod-not-replaced-on-node-loss'];

describe('--scenarios: which scenario folders a run registers', () => {
  it('unset or empty: every folder; a list of no names is refused', () => {
    expect(selectScenarioDirs(dirs, undefined)).toEqual({ dirs, unknown: [] });
    expect(readConfig({ PROBE_SCENARIOS: '' }).scenarios).toBeUndefined();
    expect(() => readConfig({ PROBE_SCENARIOS: ' , ' })).toThrow('PROBE_SCENARIOS=" , ": use scenario folder names');
  });

  it('a folder name, or its start up to a dash (A001-1 is not A001-10)', () => {
    expect(selectScenarioDirs(dirs, ['A001-9', 'A003-7-bare-pod-not-replaced-on-node-loss']).dirs).toEqual([dirs[1], dirs[2], dirs[4]]);
    expect(selectScenarioDirs(dirs, ['A001-1'])).toEqual({ dirs: [], unknown: ['A001-1'] });
  });

  it('a name that selects nothing is refused in one line naming it and the folders', () => {
    const { unknown } = selectScenarioDirs(dirs, ['A001-8', 'A009-1']);
    expect(unknown).toEqual(['A009-1']);
    expect(unknownScenariosError(unknown, dirs)).toMatch(/^--scenarios: no scenario folder "A009-1" in scenarios\/ .*; folders: A001-8-prestop-exec-hook-hostpath, /);
  });

  it('the variable is a comma-separated list', () => {
    expect(readConfig({ PROBE_SCENARIOS: 'A001-8, A003-7' }).scenarios).toEqual(['A001-8', 'A003-7']);
  });

  it('the claims report keeps only the selected scenarios\' claims', () => {
    const all = discoverScenarioDirs(join(repoRoot(), 'scenarios'));
    const rows = claimRows(repoRoot(), '/nonexistent-reports', undefined, undefined, ['A003-7']);
    expect(new Set(rows.map((r) => r.scenario))).toEqual(new Set(['A003-7-bare-pod-not-replaced-on-node-loss']));
    expect(claimRows(repoRoot(), '/nonexistent-reports').length).toBeGreaterThan(all.length - 1);
  });
});
