import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClaimRow } from './claims.js';
import type { ScenarioResult } from '../scenario/runner.js';
import { esc, timelineSvg } from './timeline-svg.js';

/**
 * reports/index.html: one self-contained page (no network, no files of its own beside it) with the
 * run's summary, the claims table (filters by outcome, source group and verdict) and, per scenario
 * that ran, its timeline picture (timeline-svg.ts) with links to its evidence. Written after
 * claims.json, from it and the scenarios' result.json files.
 */
export const HTML_REPORT = 'index.html';

interface ClaimsFile {
  kubernetesVersion?: string;
  provider?: string;
  runtime?: string;
  nodeImage?: string;
  noCluster?: string;
  generatedAt?: string;
  claims: ClaimRow[];
}

/** The result.json of each scenario the claims come from (this run's selection), in name order. */
export function scenarioResultsOf(reportsDir: string, rows: readonly ClaimRow[]): ScenarioResult[] {
  const dir = join(reportsDir, 'scenarios');
  return [...new Set(rows.map((r) => r.scenario))]
    .filter((id) => existsSync(join(dir, id, 'result.json')))
    .sort()
    .map((id) => JSON.parse(readFileSync(join(dir, id, 'result.json'), 'utf8')) as ScenarioResult);
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2330;background:#fff}
h1{font-size:22px;margin:0 0 6px}h2{font-size:18px;margin:28px 0 8px}
.summary{display:flex;gap:12px;margin:12px 0}.count{padding:8px 14px;border-radius:6px;background:#f1f3f6}
.count b{font-size:20px;display:block}.count.passed b{color:#1a7f37}.count.failed b{color:#cf222e}.count.notrun b{color:#6e7781}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #e1e4e8;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f6f8fa;position:sticky;top:0}td.outcome-passed{color:#1a7f37}td.outcome-failed{color:#cf222e;font-weight:bold}td.outcome-notrun{color:#6e7781}
.filters{margin:8px 0;display:flex;gap:12px}.ev{color:#57606a;font-size:12px}
details{margin:6px 0;border:1px solid #e1e4e8;border-radius:6px;padding:6px 10px}summary{cursor:pointer}
.timeline{display:block;margin:8px 0;max-width:100%;height:auto}
.timeline .label{font:11px monospace;fill:#1d2330;white-space:pre}.timeline .tick{font:10px sans-serif;fill:#57606a;text-anchor:middle}
.timeline .grid{stroke:#eaeef2}.seg.running{fill:#4ac26b}.seg.waiting{fill:#d4a72c}.seg.backoff{fill:#e16f24}.seg.completed{fill:#8c959f}.seg.error{fill:#cf222e}
.seg.ready{fill:#a2e2b4}.seg.notready{fill:#eaeef2}.seg.readybar{fill:#0969da}
.seg.ep-ready{fill:#4ac26b}.seg.ep-serving{fill:#a2e2b4}.seg.ep-terminating{fill:#e16f24}.seg.ep-notready{fill:#eaeef2}.seg.ep-none{fill:none}
.timeline .gap{fill:#6e7781;opacity:.22}.timeline .gap-backlog{fill:#6e7781;opacity:.09}.seg.step-ok{fill:#ddf4ff;stroke:#54aeff}.seg.step-failed{fill:#ffebe9;stroke:#cf222e}.seg.window{fill:#0969da;opacity:.25}
.mark{font:bold 12px sans-serif;text-anchor:middle}.mark.ev-probe{fill:#cf222e}.mark.ev-kill{fill:#bc4c00}.mark.ev-hook{fill:#8250df}
.mark.ev-start{fill:#1a7f37}.mark.ev-other{fill:#8c959f}.mark.restart{fill:#bc4c00}.mark.phase{fill:#1d2330;font-size:10px}.mark.moment{fill:#0550ae}
.legend span{margin-right:14px;font-size:12px}
`;

const SCRIPT = `
function applyFilters(){var o=document.getElementById('f-outcome').value,g=document.getElementById('f-group').value,v=document.getElementById('f-verdict').value,n=0;
document.querySelectorAll('#claims tbody tr').forEach(function(r){var show=(!o||r.dataset.outcome===o)&&(!g||r.dataset.group===g)&&(!v||r.dataset.verdict===v);r.style.display=show?'':'none';if(show)n++;});
document.getElementById('shown').textContent=n;}
document.querySelectorAll('.filters select').forEach(function(s){s.addEventListener('change',applyFilters);});applyFilters();
`;

function select(id: string, label: string, values: string[]): string {
  return `<label>${label} <select id="${id}"><option value="">all</option>${values.map((v) => `<option value="${esc(v)}">${esc(v)}</option>`).join('')}</select></label>`;
}

/** The page's HTML, from the claims file's content and the scenario results (pure: the test renders it). */
export function renderHtmlReport(claims: ClaimsFile, results: ScenarioResult[]): string {
  const rows = claims.claims;
  const count = (o: ClaimRow['outcome']) => rows.filter((r) => r.outcome === o).length;
  const scenariosRan = results.length;
  const cluster = [claims.provider && `${claims.provider} provider`, claims.kubernetesVersion && `Kubernetes ${claims.kubernetesVersion}`, claims.runtime, claims.nodeImage && `node image ${claims.nodeImage}`].filter(Boolean).join(', ');
  const table = rows
    .map((r) => {
      const outcomeKey = r.outcome === 'not run' ? 'notrun' : r.outcome;
      const evidence = r.outcome === 'not run' ? esc(r.notRunReason ?? '') : r.evidence.slice(0, 3).map(esc).join('<br>');
      const upstream = r.upstreamResult ? `<br><span class="ev">upstream's own: ${esc(r.upstreamResult.state)}${r.upstreamResult.seconds !== undefined ? ` (${r.upstreamResult.seconds} s)` : ''}</span>` : '';
      return `<tr data-outcome="${esc(r.outcome)}" data-group="${esc(r.group)}" data-verdict="${esc(r.verdict)}"><td>${esc(r.claim)}</td><td>${esc(r.group)}</td><td>${esc(r.text)}${r.upstream ? `<br><span class="ev">${esc(r.upstream.name)}</span>` : ''}</td><td>${esc(r.verdict)}</td><td class="outcome-${outcomeKey}">${esc(r.outcome)}${r.durationSeconds !== undefined ? ` (${r.durationSeconds} s)` : ''}${upstream}</td><td class="ev">${evidence} <a href="#sc-${esc(r.scenario)}">timeline</a></td></tr>`;
    })
    .join('\n');
  const timelines = results
    .map((res) => {
      const files = ['result.json', 'timeline.txt', 'events.txt', 'pods.yaml', 'kubelet-excerpt.log'].filter((f) => f === 'result.json' || f === 'timeline.txt' || !res.passed);
      const links = files.map((f) => `<a href="scenarios/${encodeURIComponent(res.id)}/${f}">${f}</a>`).join(' · ');
      return `<details id="sc-${esc(res.id)}" class="scenario" data-passed="${res.passed}"${res.passed ? '' : ' open'}><summary><b>${esc(res.id)}</b> ${res.passed ? 'passed' : '<b style="color:#cf222e">FAILED</b>'} in ${(res.durationMs / 1000).toFixed(1)} s: ${esc(res.title)}</summary>${res.error ? `<p class="ev">${esc(res.error)}</p>` : ''}${timelineSvg(res)}<p class="ev">evidence: ${links}</p></details>`;
    })
    .join('\n');
  const groups = [...new Set(rows.map((r) => r.group))];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>probe-conformance: what the cluster did</title><style>${STYLE}</style></head>
<body>
<h1>Probes and hooks: what the cluster did</h1>
<p>${esc(cluster || 'no cluster')}${claims.noCluster ? ` - ${esc(claims.noCluster)}` : ''}${claims.generatedAt ? `, ${esc(claims.generatedAt)}` : ''}</p>
<div class="summary" id="summary"><div class="count passed"><b>${count('passed')}</b>claims behaved as declared</div><div class="count failed"><b>${count('failed')}</b>did not</div><div class="count notrun"><b>${count('not run')}</b>not run</div><div class="count"><b>${scenariosRan}</b>scenarios ran</div></div>
<h2>Claims</h2>
<div class="filters">${select('f-outcome', 'outcome', ['passed', 'failed', 'not run'])}${select('f-group', 'source', groups)}${select('f-verdict', 'verdict', ['confirmed', 'refuted'])}<span><span id="shown">${rows.length}</span> of ${rows.length} shown</span></div>
<table id="claims"><thead><tr><th>claim</th><th>source</th><th>what it says</th><th>verdict</th><th>outcome</th><th>evidence</th></tr></thead><tbody>
${table}
</tbody></table>
<h2>Timelines</h2>
<p class="legend"><span style="color:#4ac26b">■ running</span><span style="color:#d4a72c">■ waiting</span><span style="color:#e16f24">■ back-off / terminating endpoint</span><span style="color:#cf222e">■ ended with an error</span><span style="color:#8c959f">■ completed</span><span style="color:#0969da">▬ ready</span><span style="color:#cf222e">✕ probe failed</span><span style="color:#bc4c00">⚡ killed ↻ restart</span><span style="color:#8250df">H hook event</span><span style="color:#0969da">▮ expected window ◆ measured</span></p>
${timelines}
<script>${SCRIPT}</script>
</body></html>
`;
}

/** Writes reports/index.html from reports/claims.json and the scenario results; returns its path. */
export function writeHtmlReport(reportsDir: string): string {
  const claims = JSON.parse(readFileSync(join(reportsDir, 'claims.json'), 'utf8')) as ClaimsFile;
  const file = join(reportsDir, HTML_REPORT);
  writeFileSync(file, renderHtmlReport(claims, scenarioResultsOf(reportsDir, claims.claims)));
  return file;
}
