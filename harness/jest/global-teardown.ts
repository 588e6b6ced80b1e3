import { describeError } from '../errors.js';
import { writeClaimsReport } from '../report/claims.js';
import { consoleLog } from '../log.js';
import { stopEverything } from './shutdown.js';
import { RUN_ENV } from './run-env.js';

/** Writes the per-claim report, then stops the cluster (unless PROBE_KEEP_CLUSTER is set). */
export default async function globalTeardown(): Promise<void> {
  const state = globalThis.__probeSetup;
  const log = consoleLog('teardown');
  if (state) {
    try {
      const file = writeClaimsReport(state.config.repoRoot, state.config.reportsDir, {
        kubernetesVersion: process.env[RUN_ENV.kubernetesVersion] ?? 'unknown',
        provider: process.env[RUN_ENV.provider] ?? state.config.provider,
        nodes: (process.env[RUN_ENV.nodes] ?? '').split(',').filter(Boolean).length || 1,
      });
      log(`claims report: ${file}`);
    } catch (e) {
      log(`could not write the claims report: ${describeError(e)}`);
    }
  }
  if (!state) return;
  if (state.config.keepCluster) {
    if (state.provider) log(`cluster kept (PROBE_KEEP_CLUSTER): KUBECONFIG=${process.env[RUN_ENV.kubeconfig]}`);
    return;
  }
  try {
    await stopEverything(state, log);
  } catch (e) {
    log(`could not stop the cluster cleanly: ${describeError(e)}`);
  }
}
