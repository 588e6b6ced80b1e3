import type { UpstreamCatalogue } from '../engine/scenario/upstream-cases.js';
import type { UpstreamCaseResult, UpstreamSummary } from '../engine/report/upstream-summary.js';
import { E2E_FOCUS, E2E_SKIP, selectedByFilters, whyNotRun } from './e2e-selection.js';
import { firstLine, fullText, seconds, type GinkgoSpecReport, type GinkgoSuiteReport } from './ginkgo-report.js';

/**
 * Ginkgo's JSON report of an e2e.test run -> upstream's verdict per catalogue case. A case is
 * found by its `name`, which is the spec's full text (container texts + It text joined by
 * spaces; the labels are already in those texts, so LeafNodeLabels are not appended); runs of
 * whitespace count as one space.
 */
const normal = (s: string) => s.replace(/\s+/g, ' ').trim();

const FAILED = new Set(['failed', 'panicked', 'timedout']);
const STOPPED = new Set(['interrupted', 'aborted']);

function resultOf(spec: GinkgoSpecReport, name: string, notRunWhy: string | undefined): UpstreamCaseResult {
  const ginkgoState = spec.State;
  const message = firstLine(spec.Failure?.Message);
  const took = seconds(spec.RunTime);
  if (ginkgoState === 'passed') return { state: 'passed', ginkgoState, seconds: took };
  if (FAILED.has(ginkgoState)) return { state: 'failed', ginkgoState, seconds: took, ...(message ? { message } : {}) };
  if (STOPPED.has(ginkgoState)) return { state: 'not run', ginkgoState, seconds: took, reason: `${ginkgoState} (the run stopped during it)`, ...(message ? { message } : {}) };
  if (ginkgoState === 'skipped') {
    if (!selectedByFilters(name)) return { state: 'not run', ginkgoState, reason: notRunWhy ?? 'filtered out' };
    // Selected, then skipped: by the test itself (e2eskipper: a message), or never reached (the run stopped first).
    if (message) return { state: 'skipped', ginkgoState, seconds: took, message };
    return { state: 'not run', ginkgoState, reason: 'the run stopped before it' };
  }
  return { state: 'not run', ginkgoState, reason: ginkgoState };
}

/** Why the run as a whole did not complete, from the suite reports; undefined when it did. */
function incompleteness(suites: GinkgoSuiteReport[]): string | undefined {
  const reasons: string[] = [];
  for (const suite of suites) {
    reasons.push(...suite.SpecialSuiteFailureReasons);
    for (const node of suite.SpecReports) {
      if (node.LeafNodeType === 'It' || node.State === 'passed' || node.State === 'skipped') continue;
      reasons.push(`${node.LeafNodeType} ${node.State}${node.Failure?.Message ? `: ${firstLine(node.Failure.Message)}` : ''}`);
    }
  }
  return reasons.length > 0 ? [...new Set(reasons)].join('; ') : undefined;
}

export function summarize(suites: GinkgoSuiteReport[], catalogue: Pick<UpstreamCatalogue, 'cases'>, meta: { kubernetes: string; focus?: string; now?: Date }): UpstreamSummary {
  const specs = suites.flatMap((s) => s.SpecReports).filter((s) => s.LeafNodeType === 'It');
  const byName = new Map<string, GinkgoSpecReport>();
  for (const spec of specs) {
    const name = normal(fullText(spec));
    if (!byName.has(name)) byName.set(name, spec);
  }
  const known = new Set<string>();
  const cases: Record<string, UpstreamCaseResult> = {};
  for (const c of catalogue.cases) {
    const name = normal(c.name);
    known.add(name);
    const spec = byName.get(name);
    const why = whyNotRun(c);
    cases[c.id] = spec ? resultOf(spec, name, why) : { state: 'not run', reason: why ?? 'not in the report of e2e.test' };
  }
  const unmatched = [...byName.entries()]
    .filter(([name]) => !known.has(name) && selectedByFilters(name))
    .map(([name, spec]) => ({ name, state: spec.State, seconds: seconds(spec.RunTime) }));
  const results = Object.values(cases);
  const count = (state: UpstreamCaseResult['state']) => results.filter((r) => r.state === state).length;
  const incomplete = incompleteness(suites);
  return {
    kubernetes: meta.kubernetes,
    generatedAt: (meta.now ?? new Date()).toISOString(),
    focus: meta.focus ?? E2E_FOCUS,
    skip: E2E_SKIP,
    suiteSucceeded: suites.every((s) => s.SuiteSucceeded),
    ...(incomplete ? { incomplete } : {}),
    wallSeconds: seconds(suites.reduce((sum, s) => sum + s.RunTime, 0)),
    counts: { passed: count('passed'), failed: count('failed'), skipped: count('skipped'), notRun: count('not run') },
    cases,
    unmatched,
  };
}

/** The summary when e2e.test left no report (it could not start, or was killed): every case not run, for that reason. */
export function summaryWithoutReport(catalogue: Pick<UpstreamCatalogue, 'cases'>, meta: { kubernetes: string; focus?: string; why: string; now?: Date }): UpstreamSummary {
  const cases = Object.fromEntries(catalogue.cases.map((c) => [c.id, { state: 'not run' as const, reason: whyNotRun(c) ?? meta.why }]));
  return {
    kubernetes: meta.kubernetes,
    generatedAt: (meta.now ?? new Date()).toISOString(),
    focus: meta.focus ?? E2E_FOCUS,
    skip: E2E_SKIP,
    suiteSucceeded: false,
    incomplete: meta.why,
    wallSeconds: 0,
    counts: { passed: 0, failed: 0, skipped: 0, notRun: catalogue.cases.length },
    cases,
    unmatched: [],
  };
}
