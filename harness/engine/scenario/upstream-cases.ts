import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';

/**
 * scenarios/upstream-cases.yaml: upstream Kubernetes' own probe and lifecycle-hook e2e cases
 * (the version read is in the file). A claim whose ID starts with UP- is one of these cases; the
 * report shows the upstream test name beside it, and `npm run upstream-e2e` finds upstream's own
 * verdict by that name.
 */
export const UPSTREAM_CASES_FILE = 'scenarios/upstream-cases.yaml';
export const UPSTREAM_PREFIX = 'UP-';

const UpstreamCase = z.strictObject({
  id: z.string().regex(/^UP-[A-Z]+(-[A-Z]+)?[0-9]+$/, 'UP-<letters><number>, e.g. UP-P1 or UP-SC-P1'),
  file: z.string().min(1),
  line: z.number().int().positive(),
  /** The full test name as Ginkgo reports it (hierarchy, It text, labels). */
  name: z.string().min(1),
  tags: z.array(z.string()),
  featureGates: z.array(z.string()),
  minKubernetes: z.string(),
  setup: z.string().min(1),
  expects: z.string().min(1),
  needs: z.array(z.string()),
});
export type UpstreamCase = z.infer<typeof UpstreamCase>;

const Catalogue = z.strictObject({ kubernetes: z.string().regex(/^v\d+\.\d+\.\d+$/), cases: z.array(UpstreamCase).min(1) });
export type UpstreamCatalogue = z.infer<typeof Catalogue> & { byId: ReadonlyMap<string, UpstreamCase> };

const cache = new Map<string, UpstreamCatalogue | undefined>();

/** The catalogue of this repository (undefined when the file does not exist); a bad file is an error naming it. */
export function upstreamCatalogue(repoRoot: string): UpstreamCatalogue | undefined {
  if (cache.has(repoRoot)) return cache.get(repoRoot);
  const file = join(repoRoot, UPSTREAM_CASES_FILE);
  let catalogue: UpstreamCatalogue | undefined;
  if (existsSync(file)) {
    const parsed = Catalogue.safeParse(YAML.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`${UPSTREAM_CASES_FILE}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    }
    const ids = parsed.data.cases.map((c) => c.id);
    const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
    if (twice.length) throw new Error(`${UPSTREAM_CASES_FILE}: case ID ${twice[0]} appears twice`);
    catalogue = { ...parsed.data, byId: new Map(parsed.data.cases.map((c) => [c.id, c])) };
  }
  cache.set(repoRoot, catalogue);
  return catalogue;
}

/** For a claim ID: undefined when fine, else why (an UP- ID the catalogue does not list). */
export function upstreamClaimProblem(claimId: string, repoRoot: string): string | undefined {
  if (!claimId.startsWith(UPSTREAM_PREFIX)) return undefined;
  const catalogue = upstreamCatalogue(repoRoot);
  if (!catalogue) return `${claimId}: UP- claims are upstream e2e cases, but ${UPSTREAM_CASES_FILE} does not exist`;
  if (!catalogue.byId.has(claimId)) return `${claimId} is not a case of ${UPSTREAM_CASES_FILE} (UP- IDs name upstream e2e cases; use your own prefix, e.g. MY-1, for other claims)`;
  return undefined;
}
