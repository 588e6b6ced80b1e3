import { describeError } from '../errors.js';
import { consoleLog } from '../log.js';
import { RUN_ENV } from './run-env.js';

/** Stops the cluster (unless PROBE_KEEP_CLUSTER is set). */
export default async function globalTeardown(): Promise<void> {
  const state = globalThis.__probeSetup;
  const log = consoleLog('teardown');
  if (!state?.provider) return;
  if (state.config.keepCluster) {
    log(`cluster kept (PROBE_KEEP_CLUSTER): KUBECONFIG=${process.env[RUN_ENV.kubeconfig]}`);
    return;
  }
  try {
    await state.provider.down(log);
  } catch (e) {
    log(`could not stop the cluster cleanly: ${describeError(e)}`);
  }
}
