import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { SetupError } from '../common/errors.js';

/**
 * Every option of a run, read from the environment (the CLI flags of `npm test -- ...` are
 * Jest's own, so options travel as PROBE_* variables; see docs/options.md).
 */
export const PROVIDERS = ['local', 'kind', 'existing'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export interface RunConfig {
  provider: ProviderName;
  /** Leave the cluster running after the run (for debugging). */
  keepCluster: boolean;
  /** Version-keyed build cache (Go binaries, base images), outside the repository. */
  cacheDir: string;
  /** Per-run state: certificates, kubeconfigs, daemon logs, pid files. */
  stateDir: string;
  reportsDir: string;
  repoRoot: string;
  /** off: scenarios as written; only: just their mutations (each must fail); also: both. */
  mutations: 'off' | 'only' | 'also';
}

function flag(name: string): boolean {
  const v = (process.env[name] ?? '').toLowerCase();
  return v === '1' || v === 'true' || v === 'yes';
}

export function repoRoot(): string {
  return resolve(import.meta.dirname, '..', '..');
}

export function readConfig(): RunConfig {
  const provider = (process.env.PROBE_PROVIDER ?? 'local') as ProviderName;
  if (!PROVIDERS.includes(provider)) {
    throw new SetupError(
      `unknown provider PROBE_PROVIDER=${process.env.PROBE_PROVIDER}`,
      `use one of: ${PROVIDERS.join(', ')}`,
    );
  }
  const root = repoRoot();
  const mutations = (process.env.PROBE_MUTATIONS ?? 'off') as RunConfig['mutations'];
  if (!['off', 'only', 'also'].includes(mutations)) {
    throw new SetupError(`unknown PROBE_MUTATIONS=${process.env.PROBE_MUTATIONS}`, 'use off (default), only or also');
  }
  return {
    provider,
    keepCluster: flag('PROBE_KEEP_CLUSTER'),
    cacheDir: process.env.PROBE_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'probe-conformance'),
    stateDir: process.env.PROBE_STATE_DIR ?? '/var/lib/probe-conformance',
    reportsDir: process.env.PROBE_REPORTS_DIR ?? join(root, 'reports'),
    repoRoot: root,
    mutations,
  };
}
