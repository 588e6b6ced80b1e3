import { SetupError } from '../common/errors.js';
import { configFromEnv } from './parse-options.js';
import type { RunConfig } from './options.js';

export { PROVIDERS, type BaseMode, type ProviderName, type RunConfig } from './options.js';
export { repoRoot } from './repo-root.js';

/**
 * The run's configuration from the environment: the `npm test` flags reach Jest's processes as
 * the PROBE_* variables of harness/run/options.ts, parsed here by the same table.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): RunConfig {
  const result = configFromEnv(env);
  if ('error' in result) throw new SetupError(result.error, 'see npm test -- --help or docs/options.md');
  return result.config;
}
