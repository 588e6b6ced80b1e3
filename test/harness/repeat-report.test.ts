import { describe, expect, test } from '@jest/globals';
import { mergeSpreads, repeatMarkdown, spreadOf } from '../../harness/engine/report/repeat-report.js';
import type { ScenarioResult } from '../../harness/engine/scenario/runner.js';

const run = (passed: boolean, seconds: number[], error?: string): ScenarioResult => ({
  id: 'X-1',
  title: 't',
  namespace: 'ns',
  passed,
  durationMs: 1000,
  timeline: [],
  ...(error ? { error } : {}),
  steps: seconds.map((s, i) => ({ index: i + 1, kind: 'expect', ...(i === 0 ? { name: 'killed' } : {}), claim: 'X-1', ok: true, startedAt: 0, endedAt: 1, observed: '', measured: { seconds: s, min: 10, max: 20, uncertainty: 0.5 } })),
});

describe('--repeat: passes and the spread of each timed step', () => {
  test('min, median and max per step against its window; passes out of runs; failures named', () => {
    const spread = spreadOf('X-1', [run(true, [12, 15]), run(true, [14, 15]), run(false, [13], 'step 3 failed: not true within 5s\nmore')]);
    expect(spread).toMatchObject({ id: 'X-1', runs: 3, passes: 2, failures: ['step 3 failed: not true within 5s'] });
    expect(spread.steps).toEqual([
      { step: 'killed', window: [10, 20], values: [12, 14, 13], min: 12, median: 13, max: 14, atRisk: false },
      { step: 'expect #3', window: [10, 20], values: [15, 15], min: 15, median: 15, max: 15, atRisk: false },
    ]);
  });
  test('a moment within 10 % of the window width of an edge is at risk, at either edge', () => {
    expect(spreadOf('X-1', [run(true, [10.9])]).steps[0]).toMatchObject({ atRisk: true, riskEdge: 'lower' });
    expect(spreadOf('X-1', [run(true, [19.2])]).steps[0]).toMatchObject({ atRisk: true, riskEdge: 'upper' });
    expect(spreadOf('X-1', [run(true, [10.5]), run(true, [19.5])]).steps[0]).toMatchObject({ atRisk: true, riskEdge: 'both' });
    expect(spreadOf('X-1', [run(true, [11.1])]).steps[0]!.atRisk).toBe(false);
  });

  test('a window that opens at 0 s has no lower edge at risk (nothing comes before its cause), its upper edge still has', () => {
    const fromZero = (value: number): ScenarioResult => {
      const r = run(true, [value]);
      return { ...r, steps: r.steps.map((s) => ({ ...s, measured: { ...s.measured!, min: 0, max: 10 } })) };
    };
    const at = (value: number) => spreadOf('X-1', [fromZero(value)]).steps[0]!.atRisk;
    expect(at(0)).toBe(false);
    expect(at(-0.4)).toBe(false);
    expect(at(9.5)).toBe(true);
  });
  test('the page: one line per timed step, at-risk steps named at the top', () => {
    const md = repeatMarkdown(2, [spreadOf('X-1', [run(true, [10.5]), run(true, [12])])]);
    expect(md).toContain('2 runs, 0 failed; 1 of 1 scenarios passed every run; 1 timed step(s) at risk');
    expect(md).toContain('| X-1 | 2 of 2 | killed | [10s, 20s] | 10.5s / 11.3s / 12s | **at risk** (lower edge) |');
  });
  test('reports of several runs merge: runs, passes and failures add up, moments of the same step pool', () => {
    const a = [spreadOf('X-1', [run(true, [12, 15]), run(false, [13], 'late')])];
    const b = [spreadOf('X-1', [run(true, [14, 16])]), spreadOf('Y-1', [run(true, [11])])];
    const merged = mergeSpreads([a, b]);
    expect(merged.map((s) => [s.id, s.runs, s.passes, s.failures])).toEqual([['X-1', 3, 2, ['late']], ['Y-1', 1, 1, []]]);
    expect(merged[0]!.steps).toEqual([
      { step: 'killed', window: [10, 20], values: [12, 13, 14], min: 12, median: 13, max: 14, atRisk: false },
      { step: 'expect #3', window: [10, 20], values: [15, 16], min: 15, median: 15.5, max: 16, atRisk: false },
    ]);
    expect(repeatMarkdown('Repeated runs (2 reports merged)', merged)).toMatch(/^# Repeated runs \(2 reports merged\)\n\n4 runs, 1 failed; 1 of 2 scenarios passed every run/);
  });
});
