import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { Scenario, type Step } from './schema.js';
import { regexProblem } from '../expect/regex.js';
import { definitionOfStep, STEP_DEFINITIONS } from '../steps/registry.js';
import { manifestPods, podRefProblems } from './pod-refs.js';
import { placeholderProblems } from '../steps/manifest-pod-ips.js';
import { upstreamClaimProblem } from './upstream-cases.js';

export const SCENARIO_FILE = 'scenario.yaml';

export interface LoadedScenario {
  /** Folder name, e.g. A000-1-exec-liveness-file-toggle. */
  id: string;
  dir: string;
  file: string;
  spec: Scenario;
}

/** A scenario file that cannot be used: names the file, the field and what is wrong. */
export class ScenarioFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid scenario\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ScenarioFileError';
  }
}

type Issue = z.core.$ZodIssue;

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '');
}

/** For a union, report the branch that got furthest, not every branch's complaint. */
function flatten(issue: Issue, prefix: readonly PropertyKey[] = []): { path: string; message: string }[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const depth = (issues: Issue[]) => Math.max(...issues.map((i) => i.path.length + (i.code === 'invalid_union' ? 1 : 0)));
    const scoreOf = (issues: Issue[]) => depth(issues) * 100 - issues.length;
    const best = [...issue.errors].sort((a, b) => scoreOf(b) - scoreOf(a))[0]!;
    if (best.length > 0 && depth(best) > 0) return best.flatMap((i) => flatten(i, path));
    return [{ path: pathText(path), message: 'does not match any allowed form (see harness/engine/scenario/scenario.schema.json)' }];
  }
  if (issue.code === 'unrecognized_keys') {
    return [{ path: pathText(path), message: `unknown field(s): ${issue.keys.join(', ')}` }];
  }
  return [{ path: pathText(path), message: issue.message }];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What the step kinds find in the steps as written, before the schema: [path, problem] pairs. */
function rawStepProblems(raw: unknown): [string, string][] {
  if (!isObject(raw)) return [];
  const out: [string, string][] = [];
  for (const where of ['steps', 'finally'] as const) {
    const steps = raw[where];
    if (!Array.isArray(steps)) continue;
    steps.forEach((step, i) => {
      if (!isObject(step)) return;
      const kinds = STEP_DEFINITIONS.filter((definition) => definition.key in step);
      if (kinds.length === 0) {
        const keys = Object.keys(step).filter((k) => !['name', 'claim', 'within', 'since', 'between', 'for'].includes(k));
        out.push([`${where}[${i}]`, `not a step kind: ${keys.length ? keys.join(', ') : '(no key)'} (a step is one of ${STEP_DEFINITIONS.map((d) => d.key).join(', ')}; docs/scenario-format.md#steps)`]);
      }
      for (const definition of kinds) out.push(...(definition.checkRaw?.(step, `${where}[${i}]`) ?? []));
    });
  }
  return out;
}

/** Every `{matches: <regex>}` in the scenario, with its path. */
function regexPatterns(value: unknown, path: string, out: [string, string][] = []): [string, string][] {
  if (Array.isArray(value)) value.forEach((v, i) => regexPatterns(v, `${path}[${i}]`, out));
  else if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'matches' && typeof value.matches === 'string') out.push([path, value.matches]);
    else for (const k of keys) regexPatterns(value[k], path ? `${path}.${k}` : k, out);
  }
  return out;
}

/** Parses and validates one scenario folder. Throws ScenarioFileError listing every problem. */
export function loadScenario(dir: string, repoRoot = process.cwd()): LoadedScenario {
  const file = join(dir, SCENARIO_FILE);
  const shown = relative(repoRoot, file) || file;
  if (!existsSync(file)) throw new ScenarioFileError(shown, [`missing ${SCENARIO_FILE} (every folder under scenarios/ is a scenario)`]);
  const docs = YAML.parseAllDocuments(readFileSync(file, 'utf8'));
  const yamlProblems = docs.flatMap((d) => d.errors.map((e) => `YAML: ${e.message.split('\n')[0]}`));
  if (yamlProblems.length) throw new ScenarioFileError(shown, yamlProblems);
  if (docs.length !== 1) throw new ScenarioFileError(shown, [`expected one YAML document, found ${docs.length}`]);
  const raw: unknown = docs[0]!.toJS();
  const kindProblems = rawStepProblems(raw);
  const parsed = Scenario.safeParse(raw);
  if (!parsed.success || kindProblems.length) {
    const under = (path: string) => kindProblems.some(([p]) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));
    const schemaProblems = parsed.success ? [] : parsed.error.issues.flatMap((i) => flatten(i)).filter((p) => !under(p.path));
    throw new ScenarioFileError(shown, [...kindProblems.map(([p, m]) => `${p}: ${m}`), ...schemaProblems.map((p) => `${p.path || '(top level)'}: ${p.message}`)]);
  }
  const spec = parsed.data;
  const problems: string[] = [];
  for (const [path, source] of [...regexPatterns(spec.steps, 'steps'), ...regexPatterns(spec.finally ?? [], 'finally')]) {
    const problem = regexProblem(source);
    if (problem) problems.push(`${path}.matches: ${problem}`);
  }
  const names = new Set<string>();
  const allSteps: [string, Step][] = [...spec.steps.map((st, i): [string, Step] => [`steps[${i}]`, st]), ...(spec.finally ?? []).map((st, i): [string, Step] => [`finally[${i}]`, st])];
  allSteps.forEach(([at, step]) => {
    const definition = definitionOfStep(step);
    problems.push(...(definition?.check?.(step, { dir, repoRoot, at, earlierNames: names }) ?? []));
    if (step.name) {
      if (names.has(step.name)) problems.push(`${at}.name: "${step.name}" is used by an earlier step`);
      names.add(step.name);
    }
    if (step.claim && !spec.claims.some((c) => c.id === step.claim)) {
      problems.push(`${at}.claim: "${step.claim}" is not one of this scenario's claims (${spec.claims.map((c) => c.id).join(', ')})`);
    }
  });
  const applied = new Set(allSteps.flatMap(([, st]) => definitionOfStep(st)?.manifests?.(st) ?? []));
  const manifestFiles = [...applied, ...(spec.mutations ?? []).flatMap((m) => Object.values(m.replace))];
  const pods = manifestPods(dir, manifestFiles);
  const replacements = (file: string) => (spec.mutations ?? []).flatMap((m) => (m.replace[file] ? [m.replace[file]] : []));
  problems.push(
    ...placeholderProblems(
      allSteps.map(([at, st]) => [at, (definitionOfStep(st)?.manifests?.(st) ?? []).flatMap((f) => [f, ...replacements(f)])]),
      (f) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : undefined),
      (files) => new Set(manifestPods(dir, files).keys()),
    ),
  );
  for (const [at, step] of allSteps) problems.push(...podRefProblems(at, definitionOfStep(step)?.podRefs?.(step) ?? [], pods, [...applied]));
  (spec.mutations ?? []).forEach((m, i) => {
    for (const [from, to] of Object.entries(m.replace)) {
      if (!applied.has(from)) problems.push(`mutations[${i}].replace: ${from} is not a manifest any apply step uses`);
      if (!existsSync(join(dir, to))) problems.push(`mutations[${i}].replace: mutated manifest ${to} not found in ${relative(repoRoot, dir)}`);
    }
  });
  const ids = spec.claims.map((c) => c.id);
  if (new Set(ids).size !== ids.length) problems.push(`claims: a claim ID appears twice`);
  spec.claims.forEach((c, i) => {
    const problem = upstreamClaimProblem(c.id, repoRoot);
    if (problem) problems.push(`claims[${i}].id: ${problem}`);
  });
  if (problems.length) throw new ScenarioFileError(shown, problems);
  return { id: basename(dir), dir, file, spec };
}

/** Every folder directly under scenariosDir (sorted); files there are ignored. */
export function discoverScenarioDirs(scenariosDir: string): string[] {
  if (!existsSync(scenariosDir)) return [];
  return readdirSync(scenariosDir)
    .filter((name) => !name.startsWith('.') && statSync(join(scenariosDir, name)).isDirectory())
    .sort()
    .map((name) => join(scenariosDir, name));
}
