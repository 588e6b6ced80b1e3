import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { discoverScenarioDirs, loadScenario } from '../scenario/load.js';
import type { ScenarioResult } from '../scenario/runner.js';

export interface ClaimRow {
  claim: string;
  source: string;
  text: string;
  verdict: 'confirmed' | 'refuted';
  scenario: string;
  /** passed: the cluster behaved as the declared verdict says; failed: it did not; not run. */
  outcome: 'passed' | 'failed' | 'not run';
  evidence: string[];
  durationSeconds?: number;
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/** One row per claim of every scenario folder, from the results the scenarios wrote. */
export function claimRows(repoRoot: string, reportsDir: string): ClaimRow[] {
  const rows: ClaimRow[] = [];
  for (const dir of discoverScenarioDirs(join(repoRoot, 'scenarios'))) {
    let scenario;
    try {
      scenario = loadScenario(dir, repoRoot);
    } catch {
      continue; // reported by its own failing test
    }
    const file = join(reportsDir, 'scenarios', scenario.id, 'result.json');
    const result = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ScenarioResult) : undefined;
    for (const claim of scenario.spec.claims) {
      const steps = result?.steps.filter((s) => s.claim === claim.id && (s.kind !== 'apply' || !s.ok)) ?? [];
      rows.push({
        claim: claim.id,
        source: claim.source,
        text: oneLine(claim.text),
        verdict: claim.verdict,
        scenario: scenario.id,
        outcome: !result ? 'not run' : result.passed ? 'passed' : 'failed',
        evidence: [...steps.map((s) => `${s.ok ? '' : 'FAILED '}${oneLine(s.observed)}`), ...(result?.error && !steps.some((s) => !s.ok) ? [result.error] : [])],
        ...(result ? { durationSeconds: Math.round(result.durationMs / 100) / 10 } : {}),
      });
    }
  }
  return rows.sort((a, b) => a.claim.localeCompare(b.claim, 'en', { numeric: true }));
}

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function writeClaimsReport(repoRoot: string, reportsDir: string, meta: { kubernetesVersion: string; provider: string }): string {
  const rows = claimRows(repoRoot, reportsDir);
  writeFileSync(join(reportsDir, 'claims.json'), JSON.stringify({ ...meta, generatedAt: new Date().toISOString(), claims: rows }, null, 2));
  const lines = [
    `# Claims: what the cluster did`,
    '',
    `Kubernetes ${meta.kubernetesVersion} (provider: ${meta.provider}), ${new Date().toISOString()}.`,
    '',
    '| claim | article | claim in short | declared verdict | outcome | evidence |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.claim} | ${r.source.slice(0, 3)} | ${cell(r.text.length > 160 ? `${r.text.slice(0, 157)}...` : r.text)} | ${r.verdict} | ${r.outcome}${r.durationSeconds !== undefined ? ` (${r.durationSeconds}s)` : ''} | ${cell(r.evidence.join('<br>'))} |`,
    ),
    '',
  ];
  const file = join(reportsDir, 'claims.md');
  writeFileSync(file, lines.join('\n'));
  return file;
}
