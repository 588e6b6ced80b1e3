import { nodeAccessFor } from '../../cluster/node-access.js';
import { removePendingNodePaths } from '../node-path-journal.js';
import type { RunConfig } from '../config.js';
import { stopStartedDockerEngine } from '../../cluster/docker/engine.js';
import type { Log } from '../../common/log.js';
import type { ClusterProvider } from '../../cluster/provider.js';
import type { RunHandle } from '../run-handle.js';

/** What global setup started, shared with global teardown and the Ctrl-C handler (same process). */
export interface SetupState {
  provider?: ClusterProvider;
  config: RunConfig;
  /** What setup brought up or why it failed (also in reports/run.json), once setup ended. */
  handle?: RunHandle;
  /** The teardown under way, once started (it runs once however many callers ask for it). */
  stopping?: Promise<void>;
}
declare global {
  // eslint-disable-next-line no-var
  var __probeSetup: SetupState | undefined;
}

/**
 * Removes the node paths of scenarios that did not finish (node-path-journal.ts), stops the
 * cluster, then a Docker engine this suite started (its pid file says so: started by
 * global setup, by an image test, or by an earlier run that kept it); never one started otherwise.
 */
export function stopEverything(state: SetupState, log: Log): Promise<void> {
  // Ctrl-C reaches both the interrupt handler and Jest's global teardown: they share one teardown.
  state.stopping ??= (async () => {
    try {
      const outcome = state.handle?.outcome;
      if (outcome?.ready) await removePendingNodePaths(state.config.reportsDir, outcome.cluster.nodes, nodeAccessFor(outcome.cluster.nodeAccess), log);
      await state.provider?.down(log);
    } finally {
      await stopStartedDockerEngine(log, state.config);
    }
  })();
  return state.stopping;
}
