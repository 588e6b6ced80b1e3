import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { upstreamVerdictCell, writeClaimsReport } from '../../harness/engine/report/claims.js';
import { writeUpstreamSummary, type UpstreamSummary } from '../../harness/engine/report/upstream-summary.js';

// A repository of two scenarios, one from an article and one from upstream's e2e cases.
let root = '';
const CATALOGUE = `kubernetes: v1.35.4
cases:
  - id: UP-P6
    file: test/e2e/common/node/container_probe.go
    line: 183
    name: "[sig-node] Probing container should *not* be restarted with a tcp:8080 liveness probe [NodeConformance] [Conformance]"
    tags: [NodeConformance, Conformance]
    featureGates: []
    minKubernetes: ""
    setup: agnhost liveness, tcpSocket 8080
    expects: 0 restarts for 4 min
    needs: []
`;
const scenario = (id: string, source: string) => `title: t\nclaims: [{id: ${id}, source: ${source}, text: the claim of ${id}, verdict: confirmed}]\nsteps:\n  - apply: pod.yaml\n`;
const POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: x}]\n';

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'pc-claims-'));
  mkdirSync(join(root, 'scenarios'));
  writeFileSync(join(root, 'scenarios', 'upstream-cases.yaml'), CATALOGUE);
  for (const [dir, id, source] of [
    ['A000-1-x', 'A000-1', '000_be253c666cea4287.txt'],
    ['UP-P6-tcp', 'UP-P6', 'upstream'],
  ]) {
    mkdirSync(join(root, 'scenarios', dir!));
    writeFileSync(join(root, 'scenarios', dir!, 'scenario.yaml'), scenario(id!, source!));
    writeFileSync(join(root, 'scenarios', dir!, 'pod.yaml'), POD);
  }
  mkdirSync(join(root, 'reports'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the claims report', () => {
  test('groups claims by source and shows the upstream test name of an UP- claim', () => {
    const file = writeClaimsReport(root, join(root, 'reports'), { kubernetesVersion: 'v1.35.4', provider: 'local' });
    const md = readFileSync(file, 'utf8');
    const articles = md.indexOf('## The articles (shared/sources)');
    const upstream = md.indexOf("## Upstream Kubernetes' own e2e cases");
    expect(articles).toBeGreaterThan(0);
    expect(upstream).toBeGreaterThan(articles);
    expect(md.slice(articles, upstream)).toContain('| A000-1 | 000 |');
    expect(md.slice(upstream)).toContain('Cases as read in Kubernetes v1.35.4 (scenarios/upstream-cases.yaml). 1 of 1 catalogue cases have a scenario.');
    expect(md.slice(upstream)).toContain('| UP-P6 | [sig-node] Probing container should *not* be restarted with a tcp:8080 liveness probe [NodeConformance] [Conformance] |');
    const json = JSON.parse(readFileSync(join(root, 'reports', 'claims.json'), 'utf8')) as { claims: { claim: string; group: string; upstream?: { tags: string[] } }[] };
    expect(json.claims.map((c) => [c.claim, c.group, c.upstream?.tags])).toEqual([
      ['A000-1', 'articles', undefined],
      ['UP-P6', 'upstream', ['NodeConformance', 'Conformance']],
    ]);
  });

  test("with reports/upstream-e2e/summary.json: upstream's own verdict beside each UP- claim, and both wall times", () => {
    const reports = join(root, 'reports');
    mkdirSync(join(reports, 'scenarios', 'UP-P6-tcp'), { recursive: true });
    writeFileSync(join(reports, 'scenarios', 'UP-P6-tcp', 'result.json'), JSON.stringify({ id: 'UP-P6-tcp', passed: true, durationMs: 251_400, steps: [] }));
    const summary: UpstreamSummary = {
      kubernetes: 'v1.35.4',
      generatedAt: '2026-12-01T12:00:00.000Z',
      focus: 'f',
      skip: 's',
      suiteSucceeded: true,
      wallSeconds: 300.2,
      counts: { passed: 1, failed: 0, skipped: 0, notRun: 0 },
      cases: { 'UP-P6': { state: 'passed', ginkgoState: 'passed', seconds: 242.3 } },
      unmatched: [],
    };
    writeUpstreamSummary(reports, summary);
    try {
      const md = readFileSync(writeClaimsReport(root, reports, { kubernetesVersion: 'v1.35.4', provider: 'local' }), 'utf8');
      const upstream = md.slice(md.indexOf("## Upstream Kubernetes' own e2e cases"));
      expect(upstream).toContain("| outcome | upstream's own verdict | key evidence |");
      expect(upstream).toMatch(/\| UP-P6 \|.*\| passed \(251\.4s\) \| passed \(242 s\) \|/);
      expect(upstream).toContain("Upstream's own e2e.test (Kubernetes v1.35.4, upstream-e2e/summary.json of the reports folder): 1 passed, 0 failed, 0 skipped, 0 not run of the catalogue's 1 cases, in 300 s.");
      expect(upstream).toContain("Wall time for the 1 case both ran: upstream's e2e.test 242 s (its specs, one after another), our 1 scenario for them 251 s");
      // the articles' table keeps its columns
      expect(md.slice(0, md.indexOf("## Upstream"))).not.toContain("upstream's own verdict");
      const json = JSON.parse(readFileSync(join(reports, 'claims.json'), 'utf8')) as { claims: { claim: string; upstreamResult?: unknown }[] };
      expect(json.claims.find((c) => c.claim === 'UP-P6')!.upstreamResult).toEqual({ state: 'passed', seconds: 242.3 });
      expect(json.claims.find((c) => c.claim === 'A000-1')!.upstreamResult).toBeUndefined();
    } finally {
      rmSync(join(reports, 'upstream-e2e'), { recursive: true, force: true });
      rmSync(join(reports, 'scenarios'), { recursive: true, force: true });
    }
  });

  test('the verdict cell', () => {
    expect(upstreamVerdictCell({ state: 'passed', seconds: 241.6 })).toBe('passed (242 s)');
    expect(upstreamVerdictCell({ state: 'failed', seconds: 12, message: 'expected 1 restart, found 0' })).toBe('failed (12 s): expected 1 restart, found 0');
    expect(upstreamVerdictCell({ state: 'not run', seconds: 20, reason: 'interrupted (the run stopped during it)' })).toBe('not run: interrupted (the run stopped during it)');
    expect(upstreamVerdictCell(undefined)).toBe('not in the summary');
  });
});
