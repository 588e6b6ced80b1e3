import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { repoRoot } from '../../harness/run/config.js';
import { upstreamCatalogue } from '../../harness/engine/scenario/upstream-cases.js';
import { readUpstreamSummary, writeUpstreamSummary } from '../../harness/engine/report/upstream-summary.js';
import { fullText, parseGinkgoReport, readGinkgoReport } from '../../harness/upstream/ginkgo-report.js';
import { summarize, summaryWithoutReport } from '../../harness/upstream/summary.js';

// A small Ginkgo v2 JSON report (fixtures/ginkgo/report.json, the shape of types.Report /
// types.SpecReport of ginkgo v2.27) against the real catalogue: one spec per kind of outcome.
const catalogue = upstreamCatalogue(repoRoot())!;
const fixture = join(repoRoot(), 'test', 'harness', 'fixtures', 'ginkgo', 'report.json');
const now = new Date('2026-12-01T10:20:00Z');
const tmp = mkdtempSync(join(tmpdir(), 'pc-upstream-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('Ginkgo JSON report -> upstream summary', () => {
  const summary = summarize(readGinkgoReport(fixture), catalogue, { kubernetes: 'v1.35.4', now });

  it("finds a case by its full text (container texts + It text), labels inside them, and maps Ginkgo's states", () => {
    expect(summary.cases['UP-P1']).toEqual({ state: 'passed', ginkgoState: 'passed', seconds: 61.5 });
    expect(summary.cases['UP-P4']).toEqual({ state: 'passed', ginkgoState: 'passed', seconds: 242.3 });
    expect(summary.cases['UP-SC-P3']).toEqual({
      state: 'failed',
      ginkgoState: 'failed',
      seconds: 150,
      message: 'pod container-probe-1234/busybox-abc - expected number of restarts: 1, found restarts: 0',
    });
    expect(summary.cases['UP-SC-P21']).toMatchObject({ state: 'failed', ginkgoState: 'timedout', message: 'A spec timeout occurred' });
    expect(summary.cases['UP-P12']).toEqual({ state: 'skipped', ginkgoState: 'skipped', seconds: 0.4, message: 'Requires at least 2 nodes (not 1)' });
  });

  it('says why a case did not run', () => {
    expect(summary.cases['UP-P13']).toEqual({ state: 'not run', ginkgoState: 'skipped', reason: 'the run stopped before it' });
    expect(summary.cases['UP-P22']).toMatchObject({ state: 'not run', ginkgoState: 'interrupted', reason: 'interrupted (the run stopped during it)' });
    expect(summary.cases['UP-SIG1']).toEqual({ state: 'not run', ginkgoState: 'skipped', reason: 'skipped by --ginkgo.skip ([Feature:ContainerStopSignals])' });
    expect(summary.cases['UP-L1']!.reason).toMatch(/^a node e2e case/);
    expect(summary.cases['UP-H1']).toEqual({ state: 'not run', reason: 'not in the report of e2e.test' });
  });

  it('lists selected specs no catalogue entry names, not the thousands filtered out', () => {
    expect(summary.unmatched).toEqual([{ name: '[sig-node] Probing container should do something new in a later release [NodeConformance]', state: 'passed', seconds: 12 }]);
  });

  it('counts, wall time, and why the run did not complete', () => {
    expect(Object.keys(summary.cases)).toEqual(catalogue.cases.map((c) => c.id));
    expect(summary.counts).toEqual({ passed: 2, failed: 2, skipped: 1, notRun: catalogue.cases.length - 5 });
    expect(summary.wallSeconds).toBe(1029.7);
    expect(summary.suiteSucceeded).toBe(false);
    expect(summary.incomplete).toBe('Interrupted by User');
    expect(summary.generatedAt).toBe('2026-12-01T10:20:00.000Z');
  });

  it('a failed suite setup node makes the run incomplete', () => {
    const [suite] = parseGinkgoReport(JSON.parse(readFileSync(fixture, 'utf8')));
    const setup = { ...suite!.SpecReports[0]!, State: 'failed', Failure: { Message: 'Unexpected error: no nodes\nmore' } };
    const s = summarize([{ ...suite!, SpecialSuiteFailureReasons: [], SpecReports: [setup] }], catalogue, { kubernetes: 'v1.35.4' });
    expect(s.incomplete).toBe('SynchronizedBeforeSuite failed: Unexpected error: no nodes');
  });

  it('full text is what Ginkgo prints: texts joined by single spaces, an empty leaf left out', () => {
    expect(fullText({ ContainerHierarchyTexts: ['[sig-node] Lifecycle Sleep Hook', 'when create a pod with lifecycle hook using sleep action'], LeafNodeText: 'valid prestop hook using sleep action' })).toBe(
      catalogue.byId.get('UP-S1')!.name,
    );
    expect(fullText({ ContainerHierarchyTexts: [], LeafNodeText: '' })).toBe('');
  });

  it('without a report every case is not run, and the file round-trips', () => {
    const none = summaryWithoutReport(catalogue, { kubernetes: 'v1.35.4', why: 'e2e.test exited 2 without a JSON report' });
    expect(none.counts.notRun).toBe(catalogue.cases.length);
    expect(none.cases['UP-P1']).toEqual({ state: 'not run', reason: 'e2e.test exited 2 without a JSON report' });
    writeUpstreamSummary(tmp, summary);
    expect(readUpstreamSummary(tmp)).toEqual(summary);
  });

  it('a report that is not Ginkgo JSON is refused with the field', () => {
    expect(() => parseGinkgoReport([{ SpecReports: [] }], 'r.json')).toThrow('r.json: 0.SuiteSucceeded:');
    expect(() => parseGinkgoReport([], 'r.json')).toThrow('r.json: (top level):');
  });
});
