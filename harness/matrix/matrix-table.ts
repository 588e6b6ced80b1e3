import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClaimRow } from '../engine/report/claims.js';
import type { ScenarioResult } from '../engine/scenario/runner.js';

/**
 * The matrix's content: one row per claim, one column per cell (a Kubernetes release and runtime
 * the suite ran on), read from each cell's reports (claims.json and the scenarios' result.json).
 * A row "differs" when its outcome or verdict (or whether it ran at all) is not the same in every
 * cell with a report; those rows come first.
 */
export interface MatrixCell {
  /** e.g. 1.36.3 or 1.36.3 containerd-2.3 */
  label: string;
  /** Folder of the cell's reports, relative to the matrix files. */
  reportsDir: string;
  /** What the cell's run said of itself (claims.json), or why it has no report. */
  kubernetesVersion?: string;
  runtime?: string;
  exitCode?: number;
  seconds?: number;
  missing?: string;
}

export interface MatrixEntry {
  outcome: ClaimRow['outcome'] | 'no report';
  verdict?: ClaimRow['verdict'];
  scenario?: string;
  /** Why not run. */
  reason?: string;
  /** The claim's timed steps: name, measured seconds, window. */
  timings: { step: string; seconds: number; window: [number, number] }[];
}

export interface MatrixRow {
  claim: string;
  group: string;
  text: string;
  differs: boolean;
  entries: MatrixEntry[];
}

interface ClaimsFile {
  kubernetesVersion?: string;
  runtime?: string;
  claims: ClaimRow[];
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function timingsOf(result: ScenarioResult | undefined, claim: string): MatrixEntry['timings'] {
  if (!result) return [];
  return result.steps
    .filter((s) => s.claim === claim && s.measured?.seconds !== undefined && s.measured.min !== undefined && s.measured.max !== undefined)
    .map((s) => ({ step: s.name ?? `${s.kind} #${s.index + 1}`, seconds: s.measured!.seconds!, window: [s.measured!.min!, s.measured!.max!] as [number, number] }));
}

/** What one cell says of each claim; of a claim in several scenarios (one per version range), the one that ran. */
function entriesOf(baseDir: string, cell: MatrixCell): Map<string, { row: ClaimRow; entry: MatrixEntry }> {
  const dir = join(baseDir, cell.reportsDir);
  const claims = readJson<ClaimsFile>(join(dir, 'claims.json'));
  const out = new Map<string, { row: ClaimRow; entry: MatrixEntry }>();
  if (!claims) return out;
  const results = new Map<string, ScenarioResult | undefined>();
  const resultOf = (id: string) => {
    if (!results.has(id)) results.set(id, readJson<ScenarioResult>(join(dir, 'scenarios', id, 'result.json')));
    return results.get(id);
  };
  for (const row of claims.claims) {
    const entry: MatrixEntry = {
      outcome: row.outcome,
      verdict: row.verdict,
      scenario: row.scenario,
      ...(row.notRunReason ? { reason: row.notRunReason } : {}),
      timings: row.outcome === 'not run' ? [] : timingsOf(resultOf(row.scenario), row.claim),
    };
    const earlier = out.get(row.claim);
    if (!earlier || (earlier.entry.outcome === 'not run' && row.outcome !== 'not run')) out.set(row.claim, { row, entry });
  }
  return out;
}

/** The outcome and verdict a cell showed, for comparing cells. */
const signature = (e: MatrixEntry) => (e.outcome === 'no report' ? undefined : `${e.outcome} ${e.verdict ?? ''}`);

export function matrixRows(baseDir: string, cells: MatrixCell[]): MatrixRow[] {
  const perCell = cells.map((cell) => {
    const claims = readJson<ClaimsFile>(join(baseDir, cell.reportsDir, 'claims.json'));
    if (claims) {
      cell.kubernetesVersion = claims.kubernetesVersion;
      if (claims.runtime) cell.runtime = claims.runtime;
    } else if (!cell.missing) cell.missing = existsSync(join(baseDir, cell.reportsDir)) ? 'the run wrote no claims.json (setup failed? see its reports)' : 'not run';
    return entriesOf(baseDir, cell);
  });
  const ids = [...new Set(perCell.flatMap((m) => [...m.keys()]))];
  const rows = ids.map((claim): MatrixRow => {
    const first = perCell.find((m) => m.has(claim))!.get(claim)!.row;
    const entries = perCell.map((m): MatrixEntry => m.get(claim)?.entry ?? { outcome: 'no report', timings: [] });
    const seen = new Set(entries.map(signature).filter((s) => s !== undefined));
    return { claim, group: first.group, text: first.text, differs: seen.size > 1, entries };
  });
  return rows.sort((a, b) => Number(b.differs) - Number(a.differs) || a.claim.localeCompare(b.claim, 'en', { numeric: true }));
}
