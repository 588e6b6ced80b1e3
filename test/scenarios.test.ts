import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { readConfig, repoRoot } from '../harness/run/config.js';
import { connect } from '../harness/engine/k8s/client.js';
import { abilitiesOf, clusterOfRun, readRunHandle, type ClusterHandle } from '../harness/run/run-handle.js';
import { writeReports } from '../harness/run/write-reports.js';
import { seeReportPage } from '../harness/run/report-page-check.js';
import type { ClaimRow } from '../harness/engine/report/claims.js';
import { scenarioResultsOf } from '../harness/engine/report/html-report.js';
import { fileNodePathJournal } from '../harness/run/node-path-journal.js';
import { consoleLog } from '../harness/common/log.js';
import { nodeAccessFor } from '../harness/cluster/node-access.js';
import { collectEvidence, writeResult } from '../harness/engine/report/evidence.js';
import { expectedDuration, readMeasuredDurations, writeMeasuredDurations } from '../harness/engine/report/expected-durations.js';
import { reportProgress, ScenarioProgress } from '../harness/run/scenario-progress.js';
import { loadScenario, type LoadedScenario } from '../harness/engine/scenario/load.js';
import { scenarioDirsOf } from '../harness/engine/scenario/select.js';
import { ClusterLock, disruptsCluster } from '../harness/engine/scenario/cluster-lock.js';
import { unmetNeeds } from '../harness/engine/scenario/needs.js';
import { runScenario, type ScenarioResult } from '../harness/engine/scenario/runner.js';
import { writeRepeatReport } from '../harness/engine/report/repeat-report.js';
import { busyNodeHint } from '../harness/engine/report/busy-node-hint.js';
import { parseDuration } from '../harness/engine/scenario/time-expr.js';
import { upstreamCatalogue, UPSTREAM_CASES_FILE } from '../harness/engine/scenario/upstream-cases.js';
import { kubectlFor, upstreamE2eBinaryPaths, upstreamE2eVersion } from '../harness/upstream/e2e-binaries.js';
import { casesE2eTestRuns, focusOnCases } from '../harness/upstream/e2e-selection.js';
import { E2E_KILL_AFTER_MS, runUpstreamE2e } from '../harness/upstream/run-e2e.js';

// Every folder under scenarios/ is one test. A folder whose scenario.yaml is invalid is a
// failing test that names the file, the field and the problem.
const config = readConfig();
const env = clusterOfRun(config.reportsDir);
// --scenarios (checked by `npm test` before Jest starts): the others are not tests here.
const dirs = scenarioDirsOf(config.scenariosDir, config.scenarios).dirs;
// A scenario that stops a node or restarts a component runs alone; the time spent waiting for that is not its own.
const lock = new ClusterLock();
const LOCK_WAIT_ALLOWANCE_MS = 20 * 60_000;

/** Runs `fn` on the cluster, alone if `exclusive`; it counts as running (progress) once it has the lock, and done when it settles. */
async function withCluster<T>(id: string, exclusive: boolean, fn: () => Promise<T>, passed: (r: T) => boolean): Promise<T> {
  if (exclusive) consoleLog(id)(`${id}: disrupts the cluster (stops a node or restarts a component): waiting until it can run alone`);
  const release = exclusive ? await lock.exclusive() : await lock.shared();
  progress.start(id);
  let ok = false;
  try {
    const r = await fn();
    ok = passed(r);
    return r;
  } finally {
    progress.finish(id, ok);
    release();
  }
}

/** What a scenario run needs of this run's cluster (from the run handle). */
function onCluster(cluster: ClusterHandle) {
  return {
    kube: connect(cluster.kubeconfig),
    nodes: nodeAccessFor(cluster.nodeAccess),
    nodePathJournal: fileNodePathJournal(config.reportsDir),
    ...(cluster.images ? { images: cluster.images } : {}),
  };
}

function tryLoad(dir: string): LoadedScenario | Error {
  try {
    return loadScenario(dir, repoRoot());
  } catch (e) {
    return e as Error;
  }
}

/** Each scenario's expected seconds: measured when it last passed with this reports folder, else its declared timeout. */
const measured = readMeasuredDurations(config.reportsDir);
const expectedOf = (loaded: LoadedScenario) => expectedDuration(loaded.id, parseDuration(loaded.spec.timeout), measured);
/** Whether a scenario must run alone (it stops a node or restarts a component). */
const exclusiveOf = (loaded: LoadedScenario) => disruptsCluster([...loaded.spec.steps, ...(loaded.spec.finally ?? [])]);

/**
 * Registration order is start order (test.concurrent, --concurrency slots): the longest expected first, so the
 * longest ones do not start last and stretch the run; a scenario measured in an earlier run goes by that
 * duration, a new one by its declared timeout (names break ties).
 */
function longestFirst<T extends { dir: string; loaded: LoadedScenario | Error }>(entries: T[]): T[] {
  const bound = (e: T) => (e.loaded instanceof Error ? Infinity : expectedOf(e.loaded).seconds);
  return [...entries].sort((a, b) => bound(b) - bound(a) || a.dir.localeCompare(b.dir));
}

const scenarios = longestFirst(dirs.map((dir) => ({ dir, loaded: tryLoad(dir) })));

/** The repeat runs of a scenario: run 1 keeps its ID, run k is `<id>~k`. */
const runIdOf = (id: string, run: number) => (run === 1 ? id : `${id}~${run}`);
/** Start order with --repeat N: round 1 (every scenario's mutations and first run, longest first), then round 2, ...: a scenario's copies are spread over the run instead of side by side. */
const rounds = Array.from({ length: config.mutations === 'only' ? 1 : config.repeat }, (_, i) => i + 1);
/** Why a valid scenario does not run here (no cluster, or needs the cluster does not meet), or undefined: it runs. */
const unmetOf = (loaded: LoadedScenario) => ('setupError' in env ? 'no cluster (see the cluster setup test)' : unmetNeeds(loaded.spec, abilitiesOf(env.cluster)));
/** Done / running / waiting and the time left, for the runs that will start (--concurrency slots: jest.config.ts). */
const runnable = rounds.flatMap((round) => scenarios.flatMap(({ loaded }) => {
  if (loaded instanceof Error || unmetOf(loaded)) return [];
  const expectedSeconds = expectedOf(loaded).seconds;
  const alone = exclusiveOf(loaded);
  const mutations = config.mutations === 'off' || round > 1 ? [] : (loaded.spec.mutations ?? []).map((m) => ({ id: `${loaded.id} [mutation: ${m.name}]`, expectedSeconds, alone }));
  const runs = config.mutations === 'only' ? [] : [{ id: runIdOf(loaded.id, round), expectedSeconds, alone }];
  return [...mutations, ...runs];
}));
const measuredCount = scenarios.filter(({ loaded }) => !(loaded instanceof Error) && expectedOf(loaded).source === 'measured').length;
const progress = new ScenarioProgress(runnable, config.concurrency, measuredCount === scenarios.length ? 'durations measured in an earlier run' : measuredCount === 0 ? 'from declared timeouts: an upper bound' : `${measuredCount} of ${scenarios.length} durations measured in an earlier run, the others declared timeouts`);
const stopReporting = runnable.length > 0 ? reportProgress(progress, { log: consoleLog('progress'), file: process.env.PROBE_PROGRESS_FILE }) : () => undefined;
const passedSeconds: Record<string, number> = {};
/** Every run's result per scenario, for --repeat's report. */
const repeated = new Map<string, ScenarioResult[]>();
afterAll(() => {
  stopReporting();
  if (Object.keys(passedSeconds).length > 0) writeMeasuredDurations(config.reportsDir, passedSeconds);
  if (config.repeat > 1 && repeated.size > 0) consoleLog('repeat')(`passes and timing spread: ${writeRepeatReport(config.reportsDir, config.repeat, repeated)}`);
});

/** Round 1 of a scenario: its problems (invalid file, unmet needs) as tests, its mutations, and its first run. */
function registerFirstRound(dir: string, loaded: LoadedScenario | Error): void {
  if (loaded instanceof Error) {
    test(`${basename(dir)} (invalid scenario file)`, () => {
      throw loaded;
    });
    return;
  }
  const unmet = unmetOf(loaded);
  if (unmet) {
    // Reported as skipped (never passed), and as "not run" with this reason in reports/claims.md.
    test.skip(`${titleOf(loaded)} (not run: ${unmet})`, () => undefined);
    return;
  }
  if (config.mutations !== 'off') {
    for (const mutation of loaded.spec.mutations ?? []) {
      test.concurrent(
        `${loaded.id} [mutation: ${mutation.name}] must fail`,
        async () => {
          if ('setupError' in env) throw new Error('unreachable: no cluster');
          const result = await withCluster(`${loaded.id} [mutation: ${mutation.name}]`, exclusiveOf(loaded), () =>
            runScenario(loaded, { ...onCluster(env.cluster), runId: env.runId, log: consoleLog(`${loaded.id} mutated`), mutation }),
            (r) => !r.passed);
          const id = `${loaded.id}--mutation-${mutation.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
          writeResult(join(config.reportsDir, 'mutations'), { ...result, id });
          if (result.passed) throw new Error(`the scenario still passed with "${mutation.name}": it does not detect that change`);
        },
        timeoutMsOf(loaded),
      );
    }
  }
  if (config.mutations !== 'only') registerRun(loaded, 1);
}

/** One run of a scenario (--repeat N: run k of N in its own namespace and report folder, `<id>~k`). */
function registerRun(loaded: LoadedScenario, run: number): void {
  const one = run === 1 ? loaded : { ...loaded, id: runIdOf(loaded.id, run) };
  test.concurrent(
    config.repeat > 1 ? `${titleOf(loaded)} (run ${run} of ${config.repeat})` : titleOf(loaded),
    async () => {
      if ('setupError' in env) throw new Error('unreachable: no cluster');
      const result = await withCluster(one.id, exclusiveOf(loaded), () =>
        runScenario(one, {
          ...onCluster(env.cluster),
          runId: env.runId,
          log: consoleLog(one.id),
          onFailure: (ctx, r) => collectEvidence(ctx, r, config.reportsDir, env.cluster.kubeletLogFiles),
        }),
        (r) => r.passed);
      writeResult(config.reportsDir, result);
      repeated.set(loaded.id, [...(repeated.get(loaded.id) ?? []), result]);
      if (result.passed && run === 1) passedSeconds[loaded.id] = Math.round(result.durationMs / 100) / 10;
      if (!result.passed) {
        const hint = busyNodeHint(result, { concurrency: config.concurrency, cpus: availableParallelism() });
        throw new Error(`${result.error}\n  evidence: ${join(config.reportsDir, 'scenarios', one.id)}/${hint ? `\n  ${hint}` : ''}`);
      }
    },
    timeoutMsOf(loaded),
  );
}

const titleOf = (loaded: LoadedScenario) => `${loaded.id}: ${loaded.spec.title} [${loaded.spec.claims.map((c) => `${c.id} ${c.verdict}`).join(', ')}]`;
const timeoutMsOf = (loaded: LoadedScenario) => parseDuration(loaded.spec.timeout) * 1000 + 120_000 + LOCK_WAIT_ALLOWANCE_MS;

describe('scenarios', () => {
  test('the scenarios folder holds at least one scenario', () => {
    expect(dirs.length).toBeGreaterThan(0);
  });

  // No cluster: one failure saying why (global setup printed it first), every scenario not run.
  const noCluster = 'setupError' in env ? env : undefined;
  if (noCluster) {
    test(`cluster setup (${config.provider} provider, ${noCluster.setupStage})`, () => {
      throw new Error(noCluster.setupError);
    });
  }

  // Registration order is start order: round by round (see `rounds`).
  for (const round of rounds) {
    for (const { dir, loaded } of scenarios) {
      if (round === 1) registerFirstRound(dir, loaded);
      else if (!(loaded instanceof Error) && !unmetOf(loaded)) registerRun(loaded, round);
    }
  }

  // --upstream-e2e: upstream's own e2e.test on the same cluster, registered last (a plain test, so
  // it starts after every scenario above has finished) and alone on the cluster. It fails only when
  // e2e.test gave no verdict; upstream's own failures are data (reports/upstream-e2e/summary.json,
  // and the claims report's upstream column). See docs/upstream-e2e.md.
  if (config.upstreamE2e) {
    const catalogue = upstreamCatalogue(repoRoot());
    const version = upstreamE2eVersion(repoRoot());
    // With --scenarios: only the upstream cases that the selected scenarios claim.
    const claimed = new Set(scenarios.flatMap(({ loaded }) => (loaded instanceof Error ? [] : loaded.spec.claims.map((c) => c.id))));
    const cases = catalogue ? casesE2eTestRuns(catalogue).filter((c) => !config.scenarios || claimed.has(c.id)) : [];
    const title = `upstream e2e: ${cases.length} probe and hook cases (Kubernetes ${version}${config.scenarios ? ', of the selected scenarios' : ''})`;
    if ('setupError' in env) {
      test.skip(`${title} (not run: no cluster (see the cluster setup test))`, () => undefined);
    } else {
      test(
        title,
        async () => {
          if (!catalogue) throw new Error(`${UPSTREAM_CASES_FILE} does not exist: it names the cases whose verdicts are collected`);
          if (env.cluster.kubernetesVersion !== version) throw new Error(`the cluster runs Kubernetes ${env.cluster.kubernetesVersion}, e2e.test is ${version}`);
          const log = consoleLog('upstream-e2e');
          log('waiting until nothing else uses the cluster: upstream e2e.test runs alone');
          const release = await lock.exclusive();
          try {
            const outcome = await runUpstreamE2e({
              e2eTest: upstreamE2eBinaryPaths(config).e2eTest,
              kubectl: kubectlFor(config.cacheDir, env.cluster.kubernetesVersion),
              kubeconfig: env.cluster.kubeconfig,
              reportsDir: config.reportsDir,
              catalogue,
              ...(config.scenarios ? { focus: focusOnCases(cases) } : {}),
              kubernetes: version,
              log,
            });
            if (outcome.couldNotRun) throw new Error(outcome.couldNotRun);
          } finally {
            release();
          }
        },
        E2E_KILL_AFTER_MS + 5 * 60_000,
      );
    }
  }

  // The report page as a person sees it: reports/index.html in headless Chromium, registered last (a plain test,
  // so it runs once every scenario and upstream's e2e.test are done). Global teardown writes the page again.
  if (!('setupError' in env) && config.mutations !== 'only') {
    test('the report page shows this run (reports/index.html in headless Chromium)', async () => {
      const { page, claims } = writeReports(config, readRunHandle(config.reportsDir)?.outcome);
      const rows = (JSON.parse(readFileSync(claims.replace(/\.md$/, '.json'), 'utf8')) as { claims: ClaimRow[] }).claims;
      const seen = await seeReportPage(page);
      consoleLog('report')(`report page: ${page} (screenshot ${seen.screenshot})`);
      const count = (o: ClaimRow['outcome']) => rows.filter((r) => r.outcome === o).length;
      expect(seen.summary).toEqual({ passed: count('passed'), failed: count('failed'), notRun: count('not run'), scenarios: scenarioResultsOf(config.reportsDir, rows).length });
      expect(seen.rowsShown).toBe(rows.length);
      expect(seen.rowsShownWhenPassedOnly).toBe(count('passed'));
      expect(seen.timelines).toBe(seen.summary.scenarios);
      expect(seen.firstTimelineBox?.height ?? 0).toBeGreaterThan(50);
    }, 120_000);
  }
});
