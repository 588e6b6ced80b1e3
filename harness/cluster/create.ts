import type { RunConfig } from '../run/config.js';
import { KindProvider } from './kind/kind-provider.js';
import { ExistingProvider } from './existing/existing-provider.js';
import { LocalProvider } from './local/local-provider.js';
import type { ClusterProvider } from './provider.js';

/** The provider named by PROBE_PROVIDER (see docs/options.md). */
export function createProvider(config: RunConfig): ClusterProvider {
  switch (config.provider) {
    case 'local':
      return new LocalProvider(config);
    case 'kind':
      return new KindProvider(config);
    case 'existing':
      return new ExistingProvider(config);
  }
}
