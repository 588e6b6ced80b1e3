import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readConfig } from '../config.js';
import { ensureDockerEngine } from '../../cluster/docker/engine.js';
import { privilegedRuntimeArgs } from '../../cluster/docker/privileged-runtime.js';
import { describeError } from '../../common/errors.js';
import { buildDemoImages } from '../../cluster/images/build.js';
import { consoleLog } from '../../common/log.js';
import { interruptWork } from '../../cluster/process/run.js';
import { checkBeforeClusterWork, PreflightFailed } from '../../cluster/preflight/index.js';
import { createProvider } from '../../cluster/create.js';
import { chooseForThisMachine } from '../../cluster/registry-choice.js';
import { connect } from '../../engine/k8s/client.js';
import { nodeRuntime } from '../../engine/k8s/node-runtime.js';
import { clusterFeatureGates } from '../../engine/k8s/feature-gates.js';
import { removeRunHandle, writeRunHandle, type SetupStage } from '../run-handle.js';
import { prepareUpstreamE2e } from '../../upstream/prepare.js';
import { signalRecordedE2e } from '../../upstream/e2e-pid-file.js';
import { recordSetupFailure, SETUP_FAILURE_FILE } from './setup-failure.js';
import { stopEverything, type SetupState } from './shutdown.js';

function onInterrupt(state: SetupState): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      const log = consoleLog('interrupt');
      log(`${signal}: stopping${state.config.keepCluster ? ' (the cluster is kept: PROBE_KEEP_CLUSTER)' : ' the cluster'}...`);
      interruptWork();
      // upstream's e2e.test, started by a test in its own process group (e2e-pid-file.ts)
      if (signalRecordedE2e(state.config.reportsDir, 'SIGTERM')) log('stopping upstream e2e.test');
      const down = state.config.keepCluster ? Promise.resolve() : stopEverything(state, log);
      void down
        .catch((e: unknown) => log(describeError(e)))
        .finally(() => {
          signalRecordedE2e(state.config.reportsDir, 'SIGKILL');
          process.exit(130);
        });
    });
  }
}

/**
 * Brings up everything the scenarios need, once per run: the preflight checks, Docker, the
 * cluster, the demo images and their loading into it. A failure does not stop the run: it is
 * recorded once (setup-failure.ts) and the scenarios are reported as not run, so unit and image
 * tests still report.
 */
export default async function globalSetup(): Promise<void> {
  const log = consoleLog('setup');
  // `npm test` has made the auto choices already (its first lines); a bare `jest` run makes them here.
  const config = await chooseForThisMachine(readConfig(), log);
  const state: SetupState = { config };
  globalThis.__probeSetup = state;
  onInterrupt(state);
  rmSync(join(config.reportsDir, 'scenarios'), { recursive: true, force: true });
  for (const stale of ['mutations', 'node-logs', 'kind-logs', 'upstream-e2e', SETUP_FAILURE_FILE]) rmSync(join(config.reportsDir, stale), { recursive: true, force: true });
  mkdirSync(config.reportsDir, { recursive: true });
  removeRunHandle(config.reportsDir);
  const started = Date.now();
  const run = { jestPid: process.pid, runId: randomBytes(4).toString('hex'), provider: config.provider };
  let stage: SetupStage = 'preflight';
  try {
    await checkBeforeClusterWork(config, log);
    stage = 'docker';
    // kind nodes are privileged containers: on a host lacking a capability they need caps-runc.
    await ensureDockerEngine(log, { stateDir: config.stateDir, ...(config.provider === 'kind' ? { extraArgs: () => privilegedRuntimeArgs(config, log) } : {}) });
    // The cluster first: a provider that refuses (the existing provider's opt-in, a missing kind)
    // says so before minutes of image building.
    stage = 'cluster';
    const provider = createProvider(config);
    state.provider = provider;
    const cluster = await provider.up(log);
    stage = 'images';
    const images = await buildDemoImages({ baseMode: config.imageBases, debianMirror: config.debianMirror, cacheDir: config.cacheDir, repoRoot: config.repoRoot, log });
    // --upstream-e2e (local and kind; the option refuses existing): e2e.test, agnhost and upstream's test images, loaded like the demo images
    if (config.upstreamE2e) images.push(...(await prepareUpstreamE2e(config, consoleLog('upstream-e2e'))));
    const loaded = await provider.loadImages(images, log);
    const kube = connect(cluster.kubeconfig);
    const runtime = cluster.runtime ?? (await nodeRuntime(kube).catch(() => undefined));
    const featureGates = await clusterFeatureGates(kube.kc).catch((e: unknown) => ({ unknown: describeError(e).split('\n')[0]! }));
    if ('unknown' in featureGates) log(`feature gates unknown (${featureGates.unknown}): scenarios that need one are not run`);
    state.handle = {
      ...run,
      outcome: {
        ready: true,
        cluster: {
          ...cluster,
          ...(runtime ? { runtime } : {}),
          ...(loaded.rewrite ? { images: loaded.rewrite } : {}),
          kubeletLogFiles: cluster.kubeletLogFiles ?? [],
          featureGates,
        },
      },
    };
    writeRunHandle(config.reportsDir, state.handle);
    log(`cluster ready (${cluster.provider}, Kubernetes ${cluster.kubernetesVersion}${runtime ? `, ${runtime}` : ''}, ${cluster.nodes.length} node(s)${cluster.nodeImage ? `, node image ${cluster.nodeImage}` : ''}) in ${((Date.now() - started) / 1000).toFixed(0)}s`);
  } catch (e) {
    const failure = recordSetupFailure(config, stage, e, { unavailable: stage === 'docker' || (e instanceof PreflightFailed && !e.dockerUsable) });
    state.handle = { ...run, outcome: { ready: false, failure } };
    try {
      writeRunHandle(config.reportsDir, state.handle);
    } catch (err) {
      log(`could not write ${config.reportsDir}/run.json: ${describeError(err)}`);
    }
  }
}
