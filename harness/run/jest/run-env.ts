/**
 * What global setup hands to the test workers, through the environment (workers start after
 * global setup, so they inherit it; globalThis does not reach them).
 */
export const RUN_ENV = {
  kubeconfig: 'PROBE_KUBECONFIG',
  runId: 'PROBE_RUN_ID',
  nodes: 'PROBE_NODE_NAMES',
  kubernetesVersion: 'PROBE_KUBERNETES_VERSION',
  provider: 'PROBE_PROVIDER_IN_USE',
  /** Set when the cluster could not be brought up: the cause and its fix (a few lines). */
  setupError: 'PROBE_SETUP_ERROR',
  /** With setupError: the stage that failed (SetupStage). */
  setupStage: 'PROBE_SETUP_STAGE',
  /** '1' when setup found no Docker engine (the image tests are then not run either). */
  noDocker: 'PROBE_NO_DOCKER',
} as const;

/** What global setup does, in order; a failure names the stage it happened in. */
export type SetupStage = 'preflight' | 'docker' | 'cluster' | 'images';

/** Global setup found no Docker engine for this run: the image tests cannot run either. */
export function dockerUnavailable(): boolean {
  return process.env[RUN_ENV.noDocker] === '1';
}

export interface RunEnv {
  kubeconfig: string;
  runId: string;
  nodes: string[];
  kubernetesVersion: string;
  provider: string;
}

/** The cluster of this run, or the reason there is none. */
export function readRunEnv(): RunEnv | { setupError: string; setupStage: string } {
  const setupError = process.env[RUN_ENV.setupError];
  if (setupError) return { setupError, setupStage: process.env[RUN_ENV.setupStage] ?? 'cluster' };
  const kubeconfig = process.env[RUN_ENV.kubeconfig];
  if (!kubeconfig) return { setupError: 'no cluster: global setup did not run (run the suite with npm test)', setupStage: 'cluster' };
  return {
    kubeconfig,
    runId: process.env[RUN_ENV.runId] ?? 'unknown',
    nodes: (process.env[RUN_ENV.nodes] ?? '').split(',').filter(Boolean),
    kubernetesVersion: process.env[RUN_ENV.kubernetesVersion] ?? 'unknown',
    provider: process.env[RUN_ENV.provider] ?? 'unknown',
  };
}
