import type { ProviderName } from '../../run/config.js';
import { formatProblems, type Problem } from '../../common/errors.js';
import type { CheckLine } from './check.js';

/** What the preflight of one provider found, and how it reads on a console. */
export interface PreflightReport {
  provider: ProviderName;
  /** One per thing checked, in check order. */
  lines: CheckLine[];
  /** Everything that stops a run, each with its fix. Empty: the run can start. */
  problems: Problem[];
  /** Worth knowing, not wrong (e.g. ports held by an earlier run's cluster that the run removes). */
  notes: string[];
}

export function subjectOf(report: Pick<PreflightReport, 'provider'>): string {
  return `${report.provider} provider`;
}

/** `preflight (local provider): 3 problems`, then `  - <what>` / `    fix: <fix>` per problem. */
export function formatPreflight(report: PreflightReport): string {
  return formatProblems(subjectOf(report), report.problems);
}

/** One line per check (`ok` / `missing`), then the notes. */
export function formatChecks(report: PreflightReport): string {
  const width = Math.min(30, Math.max(0, ...report.lines.map((l) => l.name.length)));
  const lines = report.lines.map((l) => `  ${(l.ok ? 'ok' : 'missing').padEnd(8)} ${l.name.padEnd(width)}  ${l.detail}`);
  return [...lines, ...report.notes.map((n) => `  note     ${n}`)].join('\n');
}
