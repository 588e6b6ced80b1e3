import { describe, expect, test } from '@jest/globals';
import type { ClaimRow } from '../../harness/engine/report/claims.js';
import { renderHtmlReport } from '../../harness/engine/report/html-report.js';
import { lanesOf, timelineSvg } from '../../harness/engine/report/timeline-svg.js';
import type { ScenarioResult } from '../../harness/engine/scenario/runner.js';

const at = '2026-12-05T00:00:00.000Z';
const result: ScenarioResult = {
  id: 'X-1-liveness',
  title: 'a liveness kill',
  namespace: 'ns',
  passed: true,
  durationMs: 20_000,
  steps: [
    { index: 0, kind: 'apply', claim: 'X-1', ok: true, startedAt: 0, endedAt: 100, observed: 'applied' },
    { index: 1, kind: 'expect', name: 'killed', claim: 'X-1', ok: true, startedAt: 100, endedAt: 12_000, observed: 'killed', measured: { seconds: 10, min: 9, max: 13, uncertainty: 0.5, anchorMs: 1000, atMs: 11_000 } },
  ],
  timeline: [
    { t: 50, at, kind: 'pod', subject: 'p', text: 'condition Ready=False (ContainersNotReady)' },
    { t: 60, at, kind: 'container', subject: 'p/app', text: 'waiting (ContainerCreating)' },
    { t: 1000, at, kind: 'container', subject: 'p/app', text: 'running' },
    { t: 2000, at, kind: 'pod', subject: 'p', text: 'condition Ready=True' },
    { t: 2000, at, kind: 'container', subject: 'p/app', text: 'ready true' },
    { t: 9000, at, kind: 'event', subject: 'p/app', text: 'Warning Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500' },
    { t: 11_000, at, kind: 'event', subject: 'p/app', text: 'Normal Killing: Container app failed liveness probe, will be restarted' },
    { t: 12_000, at, kind: 'container', subject: 'p/app', text: 'restartCount 1' },
    { t: 12_500, at, kind: 'endpoint', subject: 'svc/p', text: 'ready=false serving=false terminating=false ports 80' },
  ],
};

describe('the timeline picture', () => {
  test('a lane per pod, per container, per endpoint, and for the steps and their windows', () => {
    expect(lanesOf(result).map((l) => l.label)).toEqual(['pod p', '  app', 'endpoint svc/p', 'steps', 'timed windows']);
  });
  test('container states as segments, probe failure, kill and restart as marks, the window as a band with the moment on it', () => {
    const lanes = lanesOf(result);
    const app = lanes[1]!;
    expect(app.segments.map((s) => [s.cls, s.from, s.to])).toEqual([['waiting', 60, 1000], ['running', 1000, 20_000]]);
    expect(app.thin!.map((s) => [s.from, s.to])).toEqual([[2000, 20_000]]);
    expect(app.marks.map((m) => [m.cls, m.t])).toEqual([['ev-probe', 9000], ['ev-kill', 11_000], ['restart', 12_000]]);
    const windows = lanes[4]!;
    expect(windows.segments.map((s) => [s.cls, s.from, s.to])).toEqual([['window', 10_000, 14_000]]);
    expect(windows.marks.map((m) => [m.cls, m.t])).toEqual([['moment', 11_000]]);
  });
  test('the SVG has every mark with its tooltip, escaped', () => {
    const svg = timelineSvg(result);
    expect(svg.startsWith('<svg class="timeline"')).toBe(true);
    expect(svg).toContain('<title>Warning Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500</title>');
    expect(svg).toContain('class="seg window"');
    expect(timelineSvg({ ...result, timeline: [{ t: 1, at, kind: 'pod', subject: '<p>', text: 'phase Running' }] })).toContain('pod &lt;p&gt;');
  });
  test('a gap (watches lost, a component down) is a band across the lanes, with its backlog after it', () => {
    const svg = timelineSvg({ ...result, gaps: [{ from: 4000, to: 8000, what: 'kube-apiserver down', backlogMs: 12_000 }] });
    expect(svg).toMatch(/<rect class="gap" x="[\d.]+" y="\d+" width="[\d.]+" height="\d+"><title>kube-apiserver down 4\.0s-8\.0s: nobody saw what happened then; changes arrive up to 12s after it<\/title><\/rect>/);
    expect(svg).toContain('<rect class="gap-backlog"');
    expect(timelineSvg(result)).not.toContain('class="gap"');
  });
});

describe('the report page', () => {
  const row = (claim: string, outcome: ClaimRow['outcome'], group: ClaimRow['group']): ClaimRow => ({ claim, source: 's', text: `${claim} says`, verdict: 'confirmed', scenario: 'X-1-liveness', group, outcome, evidence: ['e'] });
  const html = renderHtmlReport({ provider: 'local', kubernetesVersion: 'v1.35.4', claims: [row('X-1', 'passed', 'articles'), row('UP-P1', 'failed', 'upstream'), row('X-2', 'not run', 'other')] }, [result]);
  test('summary counts, one row per claim with its filter keys, one timeline per scenario that ran', () => {
    expect(html).toContain('<div class="count passed"><b>1</b>claims behaved as declared');
    expect(html).toContain('<div class="count failed"><b>1</b>did not');
    expect(html.match(/<tr data-outcome=/g)).toHaveLength(3);
    expect(html).toContain('<tr data-outcome="not run" data-group="other" data-verdict="confirmed">');
    expect(html.match(/<details id="sc-/g)).toHaveLength(1);
    expect(html).toContain('href="scenarios/X-1-liveness/timeline.txt"');
  });
  test('self-contained: no script, style or image from elsewhere', () => {
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
  });
});
