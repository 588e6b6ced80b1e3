// .ci/junit-results.mjs: what CI reads from jest-junit's report and which failures it reruns.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error plain JavaScript module of the CI script, without type declarations
import { exactTestPattern, planReruns, readJunit, summarize } from '../../.ci/junit-results.mjs';

interface Test {
  project: string;
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  firstError: string;
}

// Made in beforeAll, not at load: with -t filtering out every test, neither hook runs (no leak).
let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'probe-junit-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The shape jest-junit writes with this repository's options (classNameTemplate '{displayName} {classname}').
const JUNIT = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="jest tests" tests="6" failures="3" errors="0" time="9.1">
  <testsuite name="install.sh" errors="0" failures="1" skipped="0" tests="2">
    <testcase classname="unit install.sh" name="a complete machine: nothing to install" time="0.06" file="test/harness/install-decisions.test.ts">
    </testcase>
    <testcase classname="unit install.sh" name="finds kind&apos;s &quot;node&quot; image" time="0.06">
      <failure>Error: expect(received).toBe(expected)

Expected: 0</failure>
    </testcase>
  </testsuite>
  <testsuite name="scenarios" errors="0" failures="2" skipped="1" tests="4">
    <testcase classname="scenarios scenarios" name="A003-4-initial-delay-15s: first probe after 15 s [A003-4 confirmed]" time="60">
      <failure>Error: step 3 (timed): Killing at 31.0s ±1.0s, outside [15s, 30s]
  evidence: reports/scenarios/A003-4-initial-delay-15s/</failure>
    </testcase>
    <testcase classname="scenarios scenarios" name="A001-9-x [mutation: no grace] must fail" time="30">
      <failure>Error: the scenario still passed</failure>
    </testcase>
    <testcase classname="scenarios scenarios" name="A003-7-bare-pod: ... (not run: needs 2 nodes)" time="0">
      <skipped/>
    </testcase>
    <testcase classname="scenarios scenarios" name="A000-1-exec: toggle [A000-1 confirmed]" time="40">
    </testcase>
  </testsuite>
</testsuites>
`;

function junit(text: string): Test[] {
  const file = join(dir, `j${Math.random().toString(16).slice(2)}.xml`);
  writeFileSync(file, text);
  return readJunit(file) as Test[];
}

describe('CI results', () => {
  it('reads every test case with its project, status and first error line, entities decoded', () => {
    const tests = junit(JUNIT);
    expect(tests.map((t) => [t.project, t.status])).toEqual([
      ['unit', 'passed'],
      ['unit', 'failed'],
      ['scenarios', 'failed'],
      ['scenarios', 'failed'],
      ['scenarios', 'skipped'],
      ['scenarios', 'passed'],
    ]);
    expect(tests[1]!.name).toBe(`finds kind's "node" image`);
    expect(tests[2]!.firstError).toBe('Error: step 3 (timed): Killing at 31.0s ±1.0s, outside [15s, 30s]');
  });

  it('reruns a failed scenario, never a unit test, an image test or a mutation', () => {
    const tests = junit(JUNIT);
    expect(planReruns(tests).rerun).toEqual([]);
    expect(planReruns(tests).reason).toMatch(/2 other test\(s\) failed/);
    const onlyScenario = tests.filter((t) => !t.name.includes('mutation') && t.project === 'scenarios');
    expect(planReruns(onlyScenario).rerun.map((t: Test) => t.name)).toEqual(['A003-4-initial-delay-15s: first probe after 15 s [A003-4 confirmed]']);
  });

  it('never reruns the cluster setup or an invalid scenario file, nor more failures than a flake explains', () => {
    const fail = (name: string): Test => ({ project: 'scenarios', name, status: 'failed', firstError: 'x' });
    expect(planReruns([fail('cluster setup (local provider, preflight)')]).rerun).toEqual([]);
    expect(planReruns([fail('A9-broken (invalid scenario file)')]).rerun).toEqual([]);
    const many = Array.from({ length: 6 }, (_, i) => fail(`A00${i}-x: t [A00${i} confirmed]`));
    expect(planReruns(many).rerun).toEqual([]);
    expect(planReruns(many).reason).toMatch(/6 scenarios failed/);
    expect(planReruns(many.slice(0, 5)).rerun).toHaveLength(5);
  });

  it('selects exactly one test with -t, brackets and dots escaped', () => {
    const name = 'A003-4-initial-delay-15s: first probe after 1.5 s (x) [A003-4 confirmed]';
    const re = new RegExp(exactTestPattern(name));
    expect(re.test(`scenarios ${name}`)).toBe(true);
    expect(re.test(`scenarios ${name.replace('1.5', '105')}`)).toBe(false);
    expect(re.test(`scenarios A003-4-initial-delay-15s [mutation: x] must fail`)).toBe(false);
  });

  it('counts a scenario that passed on its rerun as passed, and the others as failed', () => {
    const tests = junit(JUNIT);
    const flaky = ['A003-4-initial-delay-15s: first probe after 15 s [A003-4 confirmed]'];
    const s = summarize(tests, flaky);
    expect([s.passed, s.failed.length, s.skipped]).toEqual([3, 2, 1]);
    expect(summarize(tests, []).failed).toHaveLength(3);
  });

  it('a missing report is undefined (npm test stopped before Jest wrote it)', () => {
    expect(readJunit(join(dir, 'nope.xml'))).toBeUndefined();
  });
});

describe('.ci/totals.mjs: the plain summary line of a CI run with phases', () => {
  const totals = (entries: unknown[] | undefined): { code: number | null; out: string } => {
    const file = join(dir, `totals-${Math.random().toString(16).slice(2)}.json`);
    if (entries) writeFileSync(file, JSON.stringify(entries));
    const r = spawnSync(process.execPath, ['.ci/totals.mjs', file], { encoding: 'utf8' });
    return { code: r.status, out: r.stdout.trim() };
  };

  it('sums the phases, and fails when one failed a test', () => {
    expect(totals([{ phase: 'local', passed: 462, failed: 0, skipped: 1 }, { phase: 'kind', passed: 5, failed: 0, skipped: 0 }])).toEqual({ code: 0, out: '467 passed, 0 failed, 1 skipped' });
    expect(totals([{ phase: 'local', passed: 462, failed: 0, skipped: 1 }, { phase: 'kind', passed: 4, failed: 1, skipped: 0 }])).toEqual({ code: 1, out: '466 passed, 1 failed, 1 skipped' });
  });

  it('no phase results is a failure, not a green line', () => {
    const r = totals(undefined);
    expect(r.code).toBe(1);
    expect(r.out.split('\n').pop()).toBe('0 passed, 1 failed, 0 skipped');
  });
});
