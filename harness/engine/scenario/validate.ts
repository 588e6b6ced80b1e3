import { join, relative } from 'node:path';
import { discoverScenarioDirs, loadScenario, ScenarioFileError } from './load.js';

/**
 * `npm run validate`: loads every scenario folder (schema, manifests, time expressions, regexes,
 * `since:` references, mutations) without Docker or a cluster, in about a second. Returns the exit
 * code: 0 when every folder loads.
 */
export function validateScenarios(repoRoot: string, write: (text: string) => void = (t) => process.stdout.write(t), scenariosDir = join(repoRoot, 'scenarios')): number {
  const dirs = discoverScenarioDirs(scenariosDir);
  if (dirs.length === 0) {
    write(`no scenario folders under ${scenariosDir}\n`);
    return 1;
  }
  let bad = 0;
  for (const dir of dirs) {
    try {
      const s = loadScenario(dir, repoRoot);
      write(`  ok       ${relative(repoRoot, dir)} (${s.spec.claims.map((c) => `${c.id} ${c.verdict}`).join(', ')}; ${s.spec.steps.length} steps${s.spec.mutations?.length ? `, ${s.spec.mutations.length} mutation(s)` : ''})\n`);
    } catch (e) {
      bad++;
      write(e instanceof ScenarioFileError ? `  invalid  ${e.message}\n` : `  invalid  ${relative(repoRoot, dir)}: ${(e as Error).message}\n`);
    }
  }
  write(`${dirs.length} scenario folder(s): ${dirs.length - bad} valid, ${bad} invalid\n`);
  return bad === 0 ? 0 : 1;
}
