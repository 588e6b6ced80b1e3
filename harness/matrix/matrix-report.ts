import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { esc } from '../engine/report/timeline-svg.js';
import { matrixRows, type MatrixCell, type MatrixEntry, type MatrixRow } from './matrix-table.js';

/**
 * reports/matrix.{md,json,html}: the same claims side by side across the cells of `npm run
 * matrix` (matrix-table.ts), the rows that differ first; each column links to its cell's own
 * report (index.html, claims.md). The HTML is self-contained like index.html.
 */
export const MATRIX_FILES = ['matrix.md', 'matrix.json', 'matrix.html'] as const;

function outcomeText(e: MatrixEntry): string {
  if (e.outcome === 'no report') return 'no report';
  if (e.outcome === 'not run') return 'not run';
  return `${e.outcome === 'passed' ? '✓' : '✗'} ${e.verdict ?? ''}`.trim();
}

function timingText(e: MatrixEntry, max = 2): string {
  return e.timings
    .slice(0, max)
    .map((t) => `${t.seconds}s [${t.window[0]}, ${t.window[1]}]`)
    .join('; ');
}

function cellHeading(c: MatrixCell): string {
  return c.label;
}

function summaryOf(cells: MatrixCell[], rows: MatrixRow[]): string[] {
  return cells.map((c, i) => {
    const of = (o: MatrixEntry['outcome']) => rows.filter((r) => r.entries[i]!.outcome === o).length;
    const ran = c.missing ? `no report (${c.missing})` : `${of('passed')} passed, ${of('failed')} failed, ${of('not run')} not run`;
    const took = c.seconds !== undefined ? `, ${Math.round(c.seconds / 60)} min` : '';
    return `${c.label}: ${ran}${took}${c.kubernetesVersion ? ` (Kubernetes ${c.kubernetesVersion}${c.runtime ? `, ${c.runtime}` : ''})` : ''}`;
  });
}

export function matrixMarkdown(cells: MatrixCell[], rows: MatrixRow[]): string {
  const differ = rows.filter((r) => r.differs).length;
  const cellText = (e: MatrixEntry) => [outcomeText(e), timingText(e)].filter(Boolean).join(' · ').replace(/\|/g, '\\|');
  return [
    '# Verdicts per Kubernetes release and runtime',
    '',
    ...summaryOf(cells, rows).map((l) => `- ${l}`),
    '',
    `${rows.length} claims; ${differ} differ between cells (first). ✓: the cluster did what the claim's declared verdict says; ✗: it did not. Timings: the claim's first timed steps, measured [window].`,
    '',
    `| claim | ${cells.map((c) => `[${cellHeading(c)}](${c.reportsDir}/claims.md)`).join(' | ')} |`,
    `|---|${cells.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.differs ? '**' + r.claim + '**' : r.claim} | ${r.entries.map(cellText).join(' | ')} |`),
    '',
  ].join('\n');
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2330}h1{font-size:22px}
table{border-collapse:collapse}th,td{border-bottom:1px solid #e1e4e8;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa;position:sticky;top:0}.passed{color:#1a7f37}.failed{color:#cf222e;font-weight:bold}.notrun,.noreport{color:#6e7781}
tr.differs td:first-child{border-left:4px solid #d4a72c}.t{color:#57606a;font-size:12px}.text{color:#57606a;font-size:12px;max-width:420px}`;

export function matrixHtml(cells: MatrixCell[], rows: MatrixRow[]): string {
  const cls = (e: MatrixEntry) => e.outcome.replace(' ', '');
  const td = (e: MatrixEntry) =>
    `<td class="${cls(e)}" title="${esc(e.reason ?? e.scenario ?? '')}">${esc(outcomeText(e))}${e.timings.length ? `<div class="t">${esc(timingText(e, 3))}</div>` : ''}</td>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>probe-conformance matrix</title><style>${STYLE}</style></head><body>
<h1>Verdicts per Kubernetes release and runtime</h1>
<ul id="cells">${summaryOf(cells, rows).map((l) => `<li>${esc(l)}</li>`).join('')}</ul>
<p>${rows.length} claims; <b id="differ">${rows.filter((r) => r.differs).length}</b> differ between cells (marked, first). ✓: the cluster did what the claim's declared verdict says; ✗: it did not.</p>
<table id="matrix"><thead><tr><th>claim</th>${cells.map((c) => `<th><a href="${esc(c.reportsDir)}/index.html">${esc(cellHeading(c))}</a></th>`).join('')}</tr></thead><tbody>
${rows.map((r) => `<tr class="${r.differs ? 'differs' : ''}" data-claim="${esc(r.claim)}"><td><b>${esc(r.claim)}</b><div class="text">${esc(r.text)}</div></td>${r.entries.map(td).join('')}</tr>`).join('\n')}
</tbody></table></body></html>
`;
}

/** Writes the three matrix files into baseDir (cells' reportsDir are relative to it); returns the rows. */
export function writeMatrixReport(baseDir: string, cells: MatrixCell[]): MatrixRow[] {
  const rows = matrixRows(baseDir, cells);
  writeFileSync(join(baseDir, 'matrix.json'), `${JSON.stringify({ generatedAt: new Date().toISOString(), cells, rows }, null, 2)}\n`);
  writeFileSync(join(baseDir, 'matrix.md'), matrixMarkdown(cells, rows));
  writeFileSync(join(baseDir, 'matrix.html'), matrixHtml(cells, rows));
  return rows;
}

/** The cells of the last matrix.json in baseDir (for --add), with what the report had found out about them dropped. */
export function previousCells(baseDir: string): MatrixCell[] {
  const file = join(baseDir, 'matrix.json');
  if (!existsSync(file)) return [];
  const cells = (JSON.parse(readFileSync(file, 'utf8')) as { cells?: MatrixCell[] }).cells ?? [];
  return cells.map(({ label, reportsDir, exitCode, seconds }) => ({ label, reportsDir, ...(exitCode !== undefined ? { exitCode } : {}), ...(seconds !== undefined ? { seconds } : {}) }));
}
