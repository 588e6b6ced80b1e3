import type { RunConfig } from '../config.js';
import { SetupError } from '../errors.js';
import { LocalProvider } from './local/local-provider.js';
import type { ClusterProvider } from './provider.js';

/** The provider named by PROBE_PROVIDER (see docs/options.md). */
export function createProvider(config: RunConfig): ClusterProvider {
  switch (config.provider) {
    case 'local':
      return new LocalProvider(config);
    case 'kind':
    case 'existing':
      throw new SetupError(`provider "${config.provider}" is not available yet`, 'use PROBE_PROVIDER=local (the default)');
  }
}
