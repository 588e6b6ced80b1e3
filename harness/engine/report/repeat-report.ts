import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScenarioResult } from '../scenario/runner.js';

/**
 * `--repeat N`: how each scenario did over its N runs: passes out of N, and for every timed step
 * the measured moments (min, median, max) against its window. A step is "at risk" when a moment
 * came within AT_RISK_SHARE of the window's width of either edge: it passes today and may not
 * tomorrow, so its window or the engine needs a look (never a wider window until it passes).
 * A window that opens at 0 s (at once after its `since:` moment) has no lower edge at risk: nothing
 * comes before its cause, and a moment a little below 0 is the 1 s truncation of cluster
 * timestamps, which the window check allows for.
 */
export const AT_RISK_SHARE = 0.1;

export interface TimedStepSpread {
  step: string;
  window: [number, number];
  values: number[];
  min: number;
  median: number;
  max: number;
  atRisk: boolean;
  /** Which edge a moment came close to, when at risk. A lower edge that is a deadline the kubelet waits out (a grace period, a delay) is met by design when the cluster acts right at it; an upper edge at risk is a slow cluster or a narrow window. */
  riskEdge?: 'lower' | 'upper' | 'both';
}

export interface ScenarioSpread {
  id: string;
  runs: number;
  passes: number;
  /** First line of each failure. */
  failures: string[];
  steps: TimedStepSpread[];
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
/** Runs and failed runs over all scenarios (the report's first numbers). */
export const repeatTotals = (spreads: readonly ScenarioSpread[]) => ({ runs: sum(spreads.map((s) => s.runs)), failed: sum(spreads.map((s) => s.runs - s.passes)) });
const median = (sorted: number[]) => (sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2);

export function spreadOf(id: string, results: readonly ScenarioResult[]): ScenarioSpread {
  const byStep = new Map<string, { window: [number, number]; values: number[] }>();
  for (const r of results) {
    for (const s of r.steps) {
      const m = s.measured;
      if (!m || m.seconds === undefined || m.min === undefined || m.max === undefined) continue;
      const key = s.name ?? `${s.kind} #${s.index + 1}`;
      const entry = byStep.get(key) ?? byStep.set(key, { window: [m.min, m.max], values: [] }).get(key)!;
      entry.values.push(m.seconds);
    }
  }
  const steps = [...byStep].map(([step, { window, values }]) => stepSpread(step, window, values));
  return { id, runs: results.length, passes: results.filter((r) => r.passed).length, failures: results.filter((r) => !r.passed).map((r) => (r.error ?? 'failed').split('\n')[0]!), steps };
}

function stepSpread(step: string, window: [number, number], values: number[]): TimedStepSpread {
  const sorted = [...values].sort((a, b) => a - b);
  const margin = (window[1] - window[0]) * AT_RISK_SHARE;
  const nearLower = window[0] > 0 && sorted[0]! < window[0] + margin;
  const nearUpper = sorted.at(-1)! > window[1] - margin;
  const riskEdge = nearLower && nearUpper ? 'both' : nearLower ? 'lower' : nearUpper ? 'upper' : undefined;
  return { step, window, values, min: sorted[0]!, median: Number(median(sorted).toFixed(1)), max: sorted.at(-1)!, atRisk: riskEdge !== undefined, ...(riskEdge ? { riskEdge } : {}) };
}

/**
 * Several --repeat reports (repeat.json of runs on the same cluster kind) as one: runs, passes and
 * failures added up, and each timed step's moments pooled (a step is the same when its name and
 * window are), so "20 runs in all" can be four runs of --repeat 5.
 */
export function mergeSpreads(reports: readonly (readonly ScenarioSpread[])[]): ScenarioSpread[] {
  const byId = new Map<string, { runs: number; passes: number; failures: string[]; steps: Map<string, { step: string; window: [number, number]; values: number[] }> }>();
  for (const spreads of reports) {
    for (const s of spreads) {
      const into = byId.get(s.id) ?? byId.set(s.id, { runs: 0, passes: 0, failures: [], steps: new Map() }).get(s.id)!;
      into.runs += s.runs;
      into.passes += s.passes;
      into.failures.push(...s.failures);
      for (const t of s.steps) {
        const key = `${t.step} [${t.window.join(',')}]`;
        const step = into.steps.get(key) ?? into.steps.set(key, { step: t.step, window: t.window, values: [] }).get(key)!;
        step.values.push(...t.values);
      }
    }
  }
  return [...byId]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, m]) => ({ id, runs: m.runs, passes: m.passes, failures: m.failures, steps: [...m.steps.values()].map((t) => stepSpread(t.step, t.window, t.values)) }));
}

const edgeText = (t: TimedStepSpread) => (t.riskEdge === 'both' ? 'both edges' : `${t.riskEdge ?? 'an'} edge`);

/** `repeat`: the --repeat of one run, or a heading of its own for merged reports. */
export function repeatMarkdown(repeat: number | string, spreads: readonly ScenarioSpread[]): string {
  const rows = spreads.flatMap((s) => {
    const head = `| ${s.id} | ${s.passes} of ${s.runs} |`;
    if (s.steps.length === 0) return [`${head} | (no timed step) | | |`];
    return s.steps.map((t, i) => `${i === 0 ? head : '| | |'} ${t.step} | [${t.window[0]}s, ${t.window[1]}s] | ${t.min}s / ${t.median}s / ${t.max}s | ${t.atRisk ? `**at risk** (${edgeText(t)})` : ''} |`);
  });
  const totals = repeatTotals(spreads);
  const risky = spreads.flatMap((s) => s.steps.filter((t) => t.atRisk).map((t) => `${s.id} ${t.step} (${edgeText(t)})`));
  const failures = spreads.flatMap((s) => s.failures.map((f) => `- ${s.id}: ${f}`));
  return [
    typeof repeat === 'number' ? `# Repeated runs (--repeat ${repeat})` : `# ${repeat}`,
    '',
    `${totals.runs} runs, ${totals.failed} failed; ${spreads.filter((s) => s.passes === s.runs).length} of ${spreads.length} scenarios passed every run; ${risky.length} timed step(s) at risk (a moment within ${AT_RISK_SHARE * 100} % of the window's width of an edge)${risky.length ? `: ${risky.join(', ')}` : ''}.`,
    '',
    '| scenario | passed | timed step | window | measured min / median / max | |',
    '|---|---|---|---|---|---|',
    ...rows,
    ...(failures.length ? ['', '## Failures', '', ...failures] : []),
    '',
  ].join('\n');
}

/** Writes reports/repeat.{md,json}; returns the Markdown file. */
export function writeRepeatReport(reportsDir: string, repeat: number, results: ReadonlyMap<string, readonly ScenarioResult[]>): string {
  const spreads = [...results].sort(([a], [b]) => a.localeCompare(b)).map(([id, rs]) => spreadOf(id, rs));
  writeFileSync(join(reportsDir, 'repeat.json'), `${JSON.stringify({ repeat, atRiskShare: AT_RISK_SHARE, scenarios: spreads }, null, 2)}\n`);
  const file = join(reportsDir, 'repeat.md');
  writeFileSync(file, repeatMarkdown(repeat, spreads));
  return file;
}
