import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '../scenario/load.js';
import { scenarioDirsOf } from '../scenario/select.js';
import { unmetNeeds, type ClusterAbilities } from '../scenario/needs.js';
import type { ScenarioResult } from '../scenario/runner.js';
import { stepDefinitionOf } from '../steps/registry.js';
import { upstreamCatalogue, UPSTREAM_PREFIX } from '../scenario/upstream-cases.js';
import { readUpstreamSummary, UPSTREAM_SUMMARY_FILE, type UpstreamCaseResult, type UpstreamSummary } from './upstream-summary.js';

export type SourceGroup = 'articles' | 'upstream' | 'other';

const ARTICLE_FILE = /^\d{3}_[0-9a-f]+\.txt$/;

function groupOf(claim: { id: string; source: string }): SourceGroup {
  if (claim.id.startsWith(UPSTREAM_PREFIX)) return 'upstream';
  return ARTICLE_FILE.test(claim.source) ? 'articles' : 'other';
}

export interface ClaimRow {
  claim: string;
  source: string;
  text: string;
  verdict: 'confirmed' | 'refuted';
  /** What the cluster does instead, for refuted claims. */
  actually?: string;
  scenario: string;
  /** Where the claim comes from: one of the five articles, upstream's e2e tests (UP- IDs), or another source. */
  group: SourceGroup;
  /** For an upstream case: its test name and tags as Ginkgo reports them. */
  upstream?: { name: string; tags: string[] };
  /** For an upstream case, when the run had --upstream-e2e: what upstream's own e2e.test said of it. */
  upstreamResult?: { state: UpstreamCaseResult['state']; seconds?: number };
  /** passed: the cluster behaved as the declared verdict says; failed: it did not; not run. */
  outcome: 'passed' | 'failed' | 'not run';
  /** Why it was not run (e.g. needs 2 nodes). */
  notRunReason?: string;
  /** Timed steps first (their measured windows), then the other observations, shortened. */
  evidence: string[];
  durationSeconds?: number;
}

const MAX_EVIDENCE = 5;
const shorten = (s: string, n = 220) => (s.length > n ? `${s.slice(0, n - 3)}...` : s);

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/** One row per claim of every scenario folder, from the results the scenarios wrote. */
/** `noCluster`: why the run had no cluster (every claim is then not run, for that reason). `upstream`: reports/upstream-e2e/summary.json, if the run wrote one. */
/** `scenariosDir`: where the scenario folders are (--scenarios-dir; default scenarios/). */
export function claimRows(repoRoot: string, reportsDir: string, cluster: ClusterAbilities = { nodes: 1, nodeControl: false }, noCluster?: string, selected?: readonly string[], upstreamSummary?: UpstreamSummary, scenariosDir = join(repoRoot, 'scenarios')): ClaimRow[] {
  const rows: ClaimRow[] = [];
  for (const dir of scenarioDirsOf(scenariosDir, selected).dirs) {
    let scenario;
    try {
      scenario = loadScenario(dir, repoRoot);
    } catch {
      continue; // reported by its own failing test
    }
    const file = join(reportsDir, 'scenarios', scenario.id, 'result.json');
    const result = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ScenarioResult) : undefined;
    for (const claim of scenario.spec.claims) {
      const steps = result?.steps.filter((s) => s.claim === claim.id && (!s.ok || stepDefinitionOf(s.kind)?.passedIsEvidence !== false)) ?? [];
      const timed = steps.filter((s) => s.ok && s.measured?.seconds !== undefined);
      const failed = steps.filter((s) => !s.ok).map((s) => `FAILED: ${shorten(oneLine(s.observed), 400)}`);
      const others = steps.filter((s) => s.ok && !timed.includes(s)).map((s) => shorten(oneLine(s.observed)));
      const unmet = unmetNeeds(scenario.spec, cluster);
      const group = groupOf(claim);
      const upstream = group === 'upstream' ? upstreamCatalogue(repoRoot)?.byId.get(claim.id) : undefined;
      const verdict = group === 'upstream' ? upstreamSummary?.cases[claim.id] : undefined;
      rows.push({
        claim: claim.id,
        source: claim.source,
        text: oneLine(claim.text),
        verdict: claim.verdict,
        ...(claim.actually ? { actually: oneLine(claim.actually) } : {}),
        scenario: scenario.id,
        group,
        ...(upstream ? { upstream: { name: upstream.name, tags: upstream.tags } } : {}),
        ...(verdict ? { upstreamResult: { state: verdict.state, ...(verdict.seconds !== undefined ? { seconds: verdict.seconds } : {}) } } : {}),
        outcome: !result ? 'not run' : result.passed ? 'passed' : 'failed',
        ...(!result ? { notRunReason: noCluster ? `no cluster: ${noCluster}` : (unmet ?? 'no result (not selected, or the run stopped)') } : {}),
        evidence: [
          ...failed,
          ...(result?.error && failed.length === 0 ? [shorten(result.error, 400)] : []),
          ...timed.map((s) => `${s.name ?? s.kind}: ${s.measured!.seconds}s${s.measured!.uncertainty ? ` ±${s.measured!.uncertainty}s` : ''}, window [${s.measured!.min}s, ${s.measured!.max}s]`),
          ...others,
        ].slice(0, MAX_EVIDENCE),
        ...(result ? { durationSeconds: Math.round(result.durationMs / 100) / 10 } : {}),
      });
    }
  }
  return rows.sort((a, b) => a.claim.localeCompare(b.claim, 'en', { numeric: true }));
}

/** An article file (000_<hash>.txt) by its number; any other source as given, shortened. */
const sourceLabel = (source: string) => /^(\d{3})_/.exec(source)?.[1] ?? shorten(source, 40);

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

function observed(r: ClaimRow): string {
  if (r.outcome === 'not run') return `not run: ${r.notRunReason}`;
  if (r.outcome === 'failed') return `differs from the declared verdict (see evidence)`;
  return r.verdict === 'confirmed' ? 'as the claim says' : `not as the claim says: ${r.actually ?? ''}`;
}

const GROUPS: { group: SourceGroup; title: string }[] = [
  { group: 'articles', title: 'The articles (shared/sources)' },
  { group: 'upstream', title: "Upstream Kubernetes' own e2e cases" },
  { group: 'other', title: 'Other sources' },
];

/** "passed (242 s)", "failed (12 s)", "skipped", "not run"; with the summary's reason or message for the last three. */
export function upstreamVerdictCell(result: UpstreamCaseResult | undefined): string {
  if (!result) return 'not in the summary';
  const took = result.seconds !== undefined && result.state !== 'not run' ? ` (${Math.round(result.seconds)} s)` : '';
  const why = result.state === 'passed' ? undefined : (result.message ?? result.reason);
  return `${result.state}${took}${why ? `: ${shorten(why, 120)}` : ''}`;
}

function tableOf(rows: ClaimRow[], group: SourceGroup, upstreamSummary?: UpstreamSummary): string[] {
  const upstream = group === 'upstream';
  const verdicts = upstream && upstreamSummary !== undefined;
  return [
    `| claim | ${upstream ? 'upstream test' : 'source'} | claim in short | declared verdict | what the cluster did | outcome |${verdicts ? " upstream's own verdict |" : ''} key evidence |`,
    `|---|---|---|---|---|---|${verdicts ? '---|' : ''}---|`,
    ...rows.map((r) => {
      const source = r.upstream ? `${shorten(r.upstream.name, 140)}${r.upstream.tags.length ? '' : ' (untagged)'}` : sourceLabel(r.source);
      const verdict = verdicts ? ` ${cell(upstreamVerdictCell(upstreamSummary.cases[r.claim]))} |` : '';
      return `| ${r.claim} | ${cell(source)} | ${cell(shorten(r.text, 160))} | ${r.verdict} | ${cell(observed(r))} | ${r.outcome}${r.durationSeconds !== undefined ? ` (${r.durationSeconds}s)` : ''} |${verdict} ${cell(r.evidence.join('<br>'))} |`;
    }),
  ];
}

/**
 * Upstream's e2e.test against the suite on the cases both ran (upstream passed or failed it, a
 * scenario of ours has a result): upstream's spec times summed, against the summed durations of
 * our scenarios for those cases (a scenario with several of them counted once).
 */
export function wallTimeLine(rows: ClaimRow[], upstreamSummary: UpstreamSummary): string {
  const both = rows.filter((r) => {
    const u = upstreamSummary.cases[r.claim];
    return u?.seconds !== undefined && (u.state === 'passed' || u.state === 'failed') && r.durationSeconds !== undefined;
  });
  const cases = [...new Set(both.map((r) => r.claim))];
  if (cases.length === 0) return "No case has both a verdict of upstream's e2e.test and a result of a scenario here.";
  const theirs = cases.reduce((sum, id) => sum + upstreamSummary.cases[id]!.seconds!, 0);
  const scenarios = new Map(both.map((r) => [r.scenario, r.durationSeconds!]));
  const ours = [...scenarios.values()].reduce((a, b) => a + b, 0);
  return (
    `Wall time for the ${cases.length} case${cases.length === 1 ? '' : 's'} both ran: upstream's e2e.test ${Math.round(theirs)} s (its specs, one after another), ` +
    `our ${scenarios.size} scenario${scenarios.size === 1 ? '' : 's'} for them ${Math.round(ours)} s (their durations summed; they run side by side).`
  );
}

/** What the summary says as a whole, for the upstream section. */
function upstreamSummaryLines(summary: UpstreamSummary, rows: ClaimRow[]): string[] {
  const c = summary.counts;
  return [
    `Upstream's own e2e.test (Kubernetes ${summary.kubernetes}, ${UPSTREAM_SUMMARY_FILE} of the reports folder): ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped, ${c.notRun} not run of the catalogue's ${Object.keys(summary.cases).length} cases, in ${Math.round(summary.wallSeconds)} s.` +
      `${summary.incomplete ? ` The run did not complete: ${shorten(summary.incomplete, 300)}.` : ''}` +
      `${summary.unmatched.length ? ` ${summary.unmatched.length} spec(s) it ran are not in the catalogue (it is out of date): ${summary.unmatched.map((u) => shorten(u.name, 120)).join('; ')}.` : ''}`,
    '',
    wallTimeLine(rows, summary),
    '',
  ];
}

/** " 30 of 79 catalogue cases have a scenario; none yet: UP-P7, ..." (on a run of every scenario). */
function coverageLine(catalogue: NonNullable<ReturnType<typeof upstreamCatalogue>>, rows: ClaimRow[]): string {
  const covered = new Set(rows.map((r) => r.claim));
  const missing = catalogue.cases.map((c) => c.id).filter((id) => !covered.has(id));
  return ` ${catalogue.cases.length - missing.length} of ${catalogue.cases.length} catalogue cases have a scenario${missing.length ? `; none yet: ${missing.join(', ')}` : ''}.`;
}

export function writeClaimsReport(repoRoot: string, reportsDir: string, meta: { kubernetesVersion: string; provider: string; runtime?: string; nodeImage?: string; cluster?: ClusterAbilities; noCluster?: string; selected?: string[]; scenariosDir?: string }): string {
  let upstreamSummary: UpstreamSummary | undefined;
  let summaryProblem: string | undefined;
  try {
    upstreamSummary = readUpstreamSummary(reportsDir);
  } catch (e) {
    summaryProblem = (e as Error).message;
  }
  const rows = claimRows(repoRoot, reportsDir, meta.cluster, meta.noCluster, meta.selected, upstreamSummary, meta.scenariosDir);
  const count = (f: (r: ClaimRow) => boolean, of = rows) => of.filter(f).length;
  const { cluster: _abilities, scenariosDir: _dir, ...shown } = meta;
  writeFileSync(join(reportsDir, 'claims.json'), JSON.stringify({ ...shown, generatedAt: new Date().toISOString(), claims: rows }, null, 2));
  const catalogue = upstreamCatalogue(repoRoot);
  const sections = GROUPS.flatMap(({ group, title }) => {
    const of = rows.filter((r) => r.group === group);
    if (of.length === 0) return [];
    const read = group === 'upstream' && catalogue ? ` Cases as read in Kubernetes ${catalogue.kubernetes} (scenarios/upstream-cases.yaml).${meta.selected ? "" : coverageLine(catalogue, rows)}` : '';
    const upstreamLines = group !== 'upstream' ? [] : upstreamSummary ? upstreamSummaryLines(upstreamSummary, of) : summaryProblem ? [`Upstream's own verdicts are not shown: ${summaryProblem}`, ''] : [];
    return [
      `## ${title}`,
      '',
      `${of.length} claims: ${count((r) => r.outcome === 'passed', of)} behaved as declared, ${count((r) => r.outcome === 'failed', of)} did not, ${count((r) => r.outcome === 'not run', of)} not run.${read}`,
      '',
      ...upstreamLines,
      ...tableOf(of, group, upstreamSummary),
      '',
    ];
  });
  const lines = [
    `# Claims: what the cluster did`,
    '',
    `Kubernetes ${meta.kubernetesVersion} (provider: ${meta.provider}${meta.runtime ? `, runtime: ${meta.runtime}` : ''}${meta.nodeImage ? `, node image: ${meta.nodeImage}` : ''}), ${new Date().toISOString()}.`,
    '',
    ...(meta.selected ? [`Only the scenarios selected with --scenarios ${meta.selected.join(',')}.`, ''] : []),
    `${rows.length} claim rows: ${count((r) => r.outcome === 'passed')} behaved as declared, ${count((r) => r.outcome === 'failed')} did not, ${count((r) => r.outcome === 'not run')} not run. ` +
      `Declared: ${count((r) => r.verdict === 'confirmed')} confirmed, ${count((r) => r.verdict === 'refuted')} refuted (the source is wrong there).`,
    '',
    ...sections,
  ];
  const file = join(reportsDir, 'claims.md');
  writeFileSync(file, lines.join('\n'));
  return file;
}
