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
  /** Set when the cluster could not be brought up: one line saying why. */
  setupError: 'PROBE_SETUP_ERROR',
} as const;

export interface RunEnv {
  kubeconfig: string;
  runId: string;
  nodes: string[];
  kubernetesVersion: string;
  provider: string;
}

/** The cluster of this run, or the reason there is none. */
export function readRunEnv(): RunEnv | { setupError: string } {
  const setupError = process.env[RUN_ENV.setupError];
  if (setupError) return { setupError };
  const kubeconfig = process.env[RUN_ENV.kubeconfig];
  if (!kubeconfig) return { setupError: 'no cluster: global setup did not run (run the suite with npm test)' };
  return {
    kubeconfig,
    runId: process.env[RUN_ENV.runId] ?? 'unknown',
    nodes: (process.env[RUN_ENV.nodes] ?? '').split(',').filter(Boolean),
    kubernetesVersion: process.env[RUN_ENV.kubernetesVersion] ?? 'unknown',
    provider: process.env[RUN_ENV.provider] ?? 'unknown',
  };
}
