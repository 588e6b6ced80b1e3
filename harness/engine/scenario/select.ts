import { basename, relative } from 'node:path';
import { discoverScenarioDirs } from './load.js';

/**
 * `--scenarios A001-8,A003-7`: which scenario folders a run registers. A name selects the folder
 * of that name, or every folder whose name starts with it and a dash (`A001-9` selects the four
 * A001-9-* folders). Unselected folders are not tests at all (not skipped ones), and the claims
 * report leaves their claims out.
 */
export function selectScenarioDirs(dirs: readonly string[], names: readonly string[] | undefined): { dirs: string[]; unknown: string[] } {
  if (!names || names.length === 0) return { dirs: [...dirs], unknown: [] };
  const picks = (name: string, dir: string) => basename(dir) === name || basename(dir).startsWith(`${name}-`);
  const unknown = names.filter((n) => !dirs.some((d) => picks(n, d)));
  return { dirs: dirs.filter((d) => names.some((n) => picks(n, d))), unknown };
}

/** The one line refusing names that select no folder. */
export function unknownScenariosError(unknown: readonly string[], dirs: readonly string[], scenariosDir = 'scenarios'): string {
  const all = dirs.map((d) => basename(d));
  const where = relative(process.cwd(), scenariosDir) || '.';
  return `--scenarios: no scenario folder ${unknown.map((u) => `"${u}"`).join(', ')} in ${where}/ (a name is a folder name or its start up to a dash, e.g. ${all[0]?.split('-').slice(0, 2).join('-') ?? 'A000-1'}); folders: ${all.join(', ')}`;
}

/** The scenario folders under scenariosDir (--scenarios-dir) that `names` (--scenarios) selects, all of them when none; `all` and `unknown` for the refusal. */
export function scenarioDirsOf(scenariosDir: string, names: readonly string[] | undefined): { dirs: string[]; all: string[]; unknown: string[] } {
  const all = discoverScenarioDirs(scenariosDir);
  return { ...selectScenarioDirs(all, names), all };
}
