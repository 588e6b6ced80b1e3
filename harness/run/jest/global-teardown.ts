import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readConfig } from '../config.js';
import { stopStartedDockerEngine } from '../../cluster/docker/engine.js';
import { describeError } from '../../common/errors.js';
import { writeReports } from '../write-reports.js';
import { consoleLog } from '../../common/log.js';
import { stopEverything } from './shutdown.js';
import { signalRecordedE2e } from '../../upstream/e2e-pid-file.js';

/** Scenarios whose result.json says they failed. */
function failedScenarios(reportsDir: string): string[] {
  const root = join(reportsDir, 'scenarios');
  if (!existsSync(root)) return [];
  return readdirSync(root).filter((id) => {
    try {
      return (JSON.parse(readFileSync(join(root, id, 'result.json'), 'utf8')) as { passed?: boolean }).passed === false;
    } catch {
      return false;
    }
  });
}

/** Writes the per-claim report, then stops the cluster (unless PROBE_KEEP_CLUSTER is set). */
export default async function globalTeardown(): Promise<void> {
  const state = globalThis.__probeSetup;
  const log = consoleLog('teardown');
  // An upstream e2e.test still running (its test timed out): it must not outlive the run.
  if (state && signalRecordedE2e(state.config.reportsDir, 'SIGKILL')) log('stopped upstream e2e.test, still running');
  const outcome = state?.handle?.outcome;
  const cluster = outcome?.ready ? outcome.cluster : undefined;
  if (state) {
    try {
      const written = writeReports(state.config, outcome);
      log(`claims report: ${written.claims}`);
      log(`report page: ${written.page}`);
    } catch (e) {
      log(`could not write the claims report: ${describeError(e)}`);
    }
  }
  if (!state) {
    // No global setup ran (e.g. only the image tests): stop a dockerd this suite started for them.
    const config = readConfig();
    if (!config.keepCluster) await stopStartedDockerEngine(log, config).catch((e: unknown) => log(`could not stop dockerd: ${describeError(e)}`));
    return;
  }
  const clusterFailed = outcome?.ready === false && (outcome.failure.stage === 'cluster' || outcome.failure.stage === 'images');
  if (state.provider && (clusterFailed || failedScenarios(state.config.reportsDir).length)) {
    // Node-level evidence (kubelet, runtime; `kind export logs` for kind) once for the whole run.
    const dir = join(state.config.reportsDir, 'node-logs');
    await state.provider.collectNodeLogs(dir).then(
      () => log(`${clusterFailed ? 'setup' : 'a scenario'} failed: node logs in ${dir}`),
      (e: unknown) => log(`could not collect node logs: ${describeError(e).split('\n')[0]}`),
    );
  }
  if (state.config.keepCluster && state.config.provider !== 'existing') {
    if (state.provider) log(`cluster kept (PROBE_KEEP_CLUSTER): KUBECONFIG=${cluster?.kubeconfig ?? 'unknown'}`);
    return;
  }
  try {
    await stopEverything(state, log);
  } catch (e) {
    log(`could not stop the cluster cleanly: ${describeError(e)}`);
  }
}
