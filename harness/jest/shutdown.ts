import type { RunConfig } from '../config.js';
import { stopStartedDockerEngine } from '../docker/engine.js';
import type { Log } from '../log.js';
import type { ClusterProvider } from '../providers/provider.js';

/** What global setup started, shared with global teardown and the Ctrl-C handler (same process). */
export interface SetupState {
  provider?: ClusterProvider;
  config: RunConfig;
  /** This run started dockerd (none was running): the end of the run stops it again. */
  startedDocker?: boolean;
}
declare global {
  // eslint-disable-next-line no-var
  var __probeSetup: SetupState | undefined;
}

/** Stops the cluster, then the Docker engine if this run started it. */
export async function stopEverything(state: SetupState, log: Log): Promise<void> {
  try {
    await state.provider?.down(log);
  } finally {
    if (state.startedDocker) await stopStartedDockerEngine(log);
  }
}
