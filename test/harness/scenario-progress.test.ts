import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { expectedDuration, readMeasuredDurations, writeMeasuredDurations } from '../../harness/engine/report/expected-durations.js';
import { repoRoot } from '../../harness/run/config.js';
import { reportProgress, ScenarioProgress } from '../../harness/run/scenario-progress.js';
import { DEFAULT_CONCURRENCY } from '../../harness/run/concurrency.js';
// @ts-expect-error plain JavaScript module of the npm test wrapper
import { readLiveLine } from '../../harness/run/cli/live-line.mjs';

const dir = mkdtempSync(join(tmpdir(), 'probe-conformance-progress-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the time left', () => {
  const t0 = 1_000_000;
  test('waiting scenarios go, in start order, to the slot that frees first', () => {
    // 2 slots: a (100 s) and b (30 s) run; c (50 s) takes b's slot at 30 s and ends at 80 s; d (10 s) takes it at 80 s.
    const p = new ScenarioProgress([{ id: 'a', expectedSeconds: 100 }, { id: 'b', expectedSeconds: 30 }, { id: 'c', expectedSeconds: 50 }, { id: 'd', expectedSeconds: 10 }], 2);
    p.start('a', t0);
    p.start('b', t0);
    expect(p.secondsLeft(t0)).toBe(100);
    expect(p.secondsLeft(t0 + 20_000)).toBe(80);
    p.finish('b', true);
    p.start('c', t0 + 30_000);
    expect(p.line(t0 + 30_000)).toBe('scenarios: 1 of 4 done, 2 running, 1 waiting; about 1 min 10 s left');
  });
  test('the longest waiting one can decide: it is placed after the slot frees', () => {
    const p = new ScenarioProgress([{ id: 'a', expectedSeconds: 10 }, { id: 'b', expectedSeconds: 200 }], 1, 'durations measured in an earlier run');
    p.start('a', t0);
    expect(p.secondsLeft(t0)).toBe(210);
    expect(p.line(t0)).toBe('scenarios: 0 of 2 done, 1 running, 1 waiting; about 3 min 30 s left (durations measured in an earlier run)');
  });
  test('a scenario past its expectation counts as ending now; failures are counted; the end says so', () => {
    const p = new ScenarioProgress([{ id: 'a', expectedSeconds: 10 }], 8);
    p.start('a', t0);
    expect(p.secondsLeft(t0 + 60_000)).toBe(0);
    p.finish('a', false);
    expect(p.line()).toBe('scenarios: 1 of 1 done (1 failed), 0 running, 0 waiting; all done');
  });
  test('scenarios that run alone are waiting until they have the cluster, and add up one after the other after the shared ones', () => {
    // 8 slots: s (60 s) shares the cluster; x1 and x2 (100 s each) run alone, one after the other, once s is done.
    const p = new ScenarioProgress([{ id: 'x1', expectedSeconds: 100, alone: true }, { id: 'x2', expectedSeconds: 100, alone: true }, { id: 's', expectedSeconds: 60 }], 8);
    p.start('s', t0);
    expect(p.line(t0)).toBe('scenarios: 0 of 3 done, 1 running, 2 waiting (2 to run alone); about 4 min 20 s left');
    p.finish('s', true);
    p.start('x1', t0 + 60_000);
    expect(p.secondsLeft(t0 + 70_000)).toBe(190);
    expect(p.line(t0 + 70_000)).toBe('scenarios: 1 of 3 done, 1 running, 1 waiting (1 to run alone); about 3 min 10 s left');
  });
  test('the slots are --concurrency, which jest.config.ts gives Jest as maxConcurrency', () => {
    expect(readFileSync(join(repoRoot(), 'jest.config.ts'), 'utf8')).toContain(`maxConcurrency: Number(process.env.PROBE_CONCURRENCY?.trim() || ${DEFAULT_CONCURRENCY}),`);
  });
});

describe('progress lines and the live line file', () => {
  test('without a file: a line to the log at each tick', async () => {
    const lines: string[] = [];
    const p = new ScenarioProgress([{ id: 'a', expectedSeconds: 5 }], 8);
    const stop = reportProgress(p, { log: (l) => lines.push(l), everyMs: 20 });
    await new Promise((r) => setTimeout(r, 70));
    stop();
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toBe('scenarios: 0 of 1 done, 0 running, 1 waiting; about 5.0 s left');
  });
  test('with a file: the line for the terminal, which goes stale when nobody writes it', async () => {
    const file = join(dir, 'progress.json');
    const p = new ScenarioProgress([{ id: 'a', expectedSeconds: 5 }], 8);
    const stop = reportProgress(p, { log: () => undefined, file, everyMs: 20 });
    await new Promise((r) => setTimeout(r, 50));
    stop();
    expect(readLiveLine(file)).toBe('scenarios: 0 of 1 done, 0 running, 1 waiting; about 5.0 s left');
    expect(readLiveLine(file, Date.now() + 6000)).toBe('');
    expect(readLiveLine(join(dir, 'none.json'))).toBe('');
  });
});

describe('expected durations', () => {
  test('measured when an earlier run passed it, else the declared timeout; passes replace, others stay', () => {
    expect(readMeasuredDurations(dir)).toEqual({});
    writeMeasuredDurations(dir, { 'A003-1-x': 576.2, 'UP-L5-y': 85.8 });
    writeMeasuredDurations(dir, { 'UP-L5-y': 86.1 });
    const measured = readMeasuredDurations(dir);
    expect(measured).toEqual({ 'A003-1-x': 576.2, 'UP-L5-y': 86.1 });
    expect(expectedDuration('A003-1-x', 900, measured)).toEqual({ seconds: 576.2, source: 'measured' });
    expect(expectedDuration('NEW-1-z', 180, measured)).toEqual({ seconds: 180, source: 'declared' });
  });
  test('a file that cannot be read counts as no measurement', () => {
    const other = mkdtempSync(join(dir, 'bad-'));
    writeFileSync(join(other, 'durations.json'), '{not json');
    expect(readMeasuredDurations(other)).toEqual({});
  });
});
