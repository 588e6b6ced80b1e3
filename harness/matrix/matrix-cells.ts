import { parseArgs } from 'node:util';
import { buildableReleases, resolveRelease } from '../cluster/releases.js';
import { SetupError } from '../common/errors.js';
import { parseOptions } from '../run/parse-options.js';

/**
 * `npm run matrix -- --kubernetes 1.34,1.35 [--runtime A,B] [npm test options...]`: the cells to run
 * (every release asked for, times every runtime), each checked as its own `npm test` command line
 * before anything starts; every other argument goes to each cell's run unchanged.
 */
export interface MatrixPlan {
  cells: { label: string; kubernetes: string; runtime?: string; args: string[] }[];
  /** Where the matrix files go (the run's reports folder); cells under <reportsDir>/matrix/<label>. */
  reportsDir: string;
  /** --add: keep the cells of the previous matrix.json in the report (this run's cells replace those of the same label). */
  add: boolean;
}

export const MATRIX_USAGE = `npm run matrix -- [--kubernetes MINOR|VERSION,...] [--runtime NAME,...] [npm test options]

Runs the scenarios once per cell (each Kubernetes release, times each runtime), one after another,
each on a cluster of its own that is torn down before the next, and writes reports/matrix.{md,json,html}:
one row per claim, one column per cell, rows that differ first. Each cell's own reports are in
reports/matrix/<cell>/.

  --kubernetes LIST   releases or minors, comma-separated (default: every release this checkout builds)
  --runtime LIST      container runtimes, comma-separated (default: the provider's default)
  --add               add this run's cells to the last matrix (its other cells are kept, not run again)
  other options       as for npm test (e.g. --provider kind, --scenarios A003-4); --selectProjects scenarios
                      unless given
`;

const list = (text: string | undefined) => (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export function planMatrix(argv: readonly string[], env: NodeJS.ProcessEnv, repoRoot: string): MatrixPlan | 'help' {
  const { values, tokens } = parseArgs({ args: [...argv], options: { kubernetes: { type: 'string' }, runtime: { type: 'string' }, add: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: false, allowPositionals: true, tokens: true });
  if (values.help) return 'help';
  const own = new Set<number>();
  for (const t of tokens) {
    if (t.kind === 'option' && (t.name === 'kubernetes' || t.name === 'runtime' || t.name === 'add')) {
      own.add(t.index);
      if (t.name !== 'add' && !t.inlineValue && t.value !== undefined) own.add(t.index + 1);
    }
  }
  const rest = argv.filter((_, i) => !own.has(i));
  for (const refused of ['--keep-cluster', '--upstream-e2e']) {
    if (rest.includes(refused)) throw new SetupError(`npm run matrix: ${refused} is not for a matrix (each cell's cluster is torn down before the next; upstream's e2e.test is built of one release)`, `leave ${refused} out`);
  }
  const versions = values.kubernetes === undefined ? buildableReleases(repoRoot) : list(values.kubernetes as string);
  if (versions.length === 0) throw new SetupError('npm run matrix: --kubernetes names no release', 'give releases or minors, e.g. --kubernetes 1.34,1.35');
  const releases = versions.map((v) => {
    try {
      return resolveRelease(repoRoot, v);
    } catch (err) {
      if (err instanceof SetupError) throw new SetupError(`npm run matrix: --kubernetes ${v}: ${err.cause_}`, err.fix);
      throw err;
    }
  });
  const runtimes: (string | undefined)[] = values.runtime === undefined ? [undefined] : list(values.runtime as string);
  const withProjects = rest.some((a) => a.startsWith('--selectProjects')) ? rest : [...rest, '--selectProjects', 'scenarios'];
  const cells: MatrixPlan['cells'] = [];
  let reportsDir = '';
  for (const release of [...new Set(releases)]) {
    for (const runtime of runtimes) {
      const args = ['--kubernetes', release.slice(1), ...(runtime ? ['--runtime', runtime] : []), ...withProjects];
      const parsed = parseOptions(args, env);
      if (parsed.kind === 'error') throw new SetupError(`npm run matrix: ${parsed.error}`, 'see npm run matrix -- --help and npm test -- --help');
      if (parsed.kind === 'help') return 'help';
      if (parsed.config.provider === 'existing') throw new SetupError('npm run matrix runs on clusters it brings up: --provider existing has one version', 'use --provider local (default) or kind');
      reportsDir = parsed.config.reportsDir;
      const label = runtime ? `${release.slice(1)}-${runtime}` : release.slice(1);
      cells.push({ label, kubernetes: release.slice(1), ...(runtime ? { runtime } : {}), args });
    }
  }
  return { cells, reportsDir, add: values.add === true };
}
