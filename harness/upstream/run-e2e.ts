import { createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import type { Log } from '../common/log.js';
import { describeError } from '../common/errors.js';
import { withProgress } from '../common/progress.js';
import { run } from '../cluster/process/run.js';
import type { UpstreamCatalogue } from '../engine/scenario/upstream-cases.js';
import { writeUpstreamSummary, type UpstreamSummary } from '../engine/report/upstream-summary.js';
import { E2E_FOCUS, E2E_SKIP } from './e2e-selection.js';
import { E2eProgress, startProgressEndpoint } from './e2e-progress.js';
import { forgetE2ePid, recordE2ePid } from './e2e-pid-file.js';
import { readGinkgoReport } from './ginkgo-report.js';
import { summarize, summaryWithoutReport } from './summary.js';

/**
 * Runs upstream's e2e.test (the probe and lifecycle-hook specs of e2e-selection.ts) on a cluster,
 * one spec after another as e2e.test does, and writes reports/upstream-e2e/: e2e.log (its
 * output), report.json (Ginkgo's JSON report), junit_01.xml, and summary.json (summary.ts).
 * Upstream's own failures are data; `couldNotRun` says why there is no verdict at all (no
 * binary, no report, the suite's setup failed, interrupted, timed out as a whole).
 */
export const GINKGO_TIMEOUT = '2h';
export const GINKGO_TIMEOUT_MS = 2 * 60 * 60_000;
/** After --ginkgo.timeout, Ginkgo still cleans up and writes its reports; then the process group is stopped. */
export const E2E_KILL_AFTER_MS = GINKGO_TIMEOUT_MS + 10 * 60_000;
export const UPSTREAM_REPORT_DIR = 'upstream-e2e';

export interface E2eArgsInput {
  kubeconfig: string;
  kubectl: string;
  reportDir: string;
  progressUrl?: string;
  /** Default E2E_FOCUS (every probe and hook case); focusOnCases for some. */
  focus?: string;
}

/** e2e.test's command line. */
export function e2eTestArgs(input: E2eArgsInput): string[] {
  return [
    '--kubeconfig', input.kubeconfig,
    '--provider', 'local',
    '--kubectl-path', input.kubectl,
    `--ginkgo.focus=${input.focus ?? E2E_FOCUS}`,
    `--ginkgo.skip=${E2E_SKIP}`,
    '--ginkgo.timeout', GINKGO_TIMEOUT,
    '--ginkgo.no-color',
    '--ginkgo.silence-skips',
    '--ginkgo.v',
    '--report-dir', input.reportDir,
    '--e2e-output-dir', input.reportDir,
    '--ginkgo.json-report', join(input.reportDir, 'report.json'),
    ...(input.progressUrl ? ['--progress-report-url', input.progressUrl] : []),
  ];
}

export interface RunUpstreamE2eOptions {
  e2eTest: string;
  /** kubectl of the cluster's version (the suite's build; its folder also goes first on PATH), or `kubectl` from PATH. */
  kubectl: string;
  kubeconfig: string;
  reportsDir: string;
  catalogue: Pick<UpstreamCatalogue, 'cases'>;
  /** e2e.test's Kubernetes version. */
  kubernetes: string;
  log: Log;
  /** Stops e2e.test's process group (SIGTERM, SIGKILL 5 s later). */
  signal?: AbortSignal;
  /** Default E2E_KILL_AFTER_MS. */
  timeoutMs?: number;
  /** --ginkgo.focus; default every probe and hook case (E2E_FOCUS). */
  focus?: string;
  /** Milliseconds between "still running" lines (default 60 s). */
  progressEveryMs?: number;
}

export interface UpstreamE2eOutcome {
  summary: UpstreamSummary;
  summaryFile: string;
  logFile: string;
  exitCode: number;
  /** Set when e2e.test gave no verdict to report (then the test that ran it fails). */
  couldNotRun?: string;
}

export async function runUpstreamE2e(options: RunUpstreamE2eOptions): Promise<UpstreamE2eOutcome> {
  const { log, reportsDir } = options;
  const reportDir = join(reportsDir, UPSTREAM_REPORT_DIR);
  rmSync(reportDir, { recursive: true, force: true });
  mkdirSync(reportDir, { recursive: true });
  const logFile = join(reportDir, 'e2e.log');
  const meta = { kubernetes: options.kubernetes, ...(options.focus ? { focus: options.focus } : {}) };
  const finish = (summary: UpstreamSummary, exitCode: number, couldNotRun?: string): UpstreamE2eOutcome => {
    const summaryFile = writeUpstreamSummary(reportsDir, summary);
    const c = summary.counts;
    log(`upstream e2e: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped, ${c.notRun} not run of ${options.catalogue.cases.length} catalogue cases in ${summary.wallSeconds} s${summary.unmatched.length ? `; ${summary.unmatched.length} spec(s) not in the catalogue` : ''}; ${summaryFile}`);
    return { summary, summaryFile, logFile, exitCode, ...(couldNotRun ? { couldNotRun } : {}) };
  };
  if (!existsSync(options.e2eTest)) {
    const why = `${options.e2eTest} does not exist (global setup builds it when the run has --upstream-e2e)`;
    return finish(summaryWithoutReport(options.catalogue, { ...meta, why }), -1, why);
  }

  const progress = new E2eProgress(new Map(options.catalogue.cases.map((c) => [c.name.replace(/\s+/g, ' ').trim(), c.id])));
  const endpoint = await startProgressEndpoint((update) => {
    const line = progress.push(update);
    if (line) log(line);
  });
  const stream = createWriteStream(logFile);
  const args = e2eTestArgs({ kubeconfig: options.kubeconfig, kubectl: options.kubectl, reportDir, progressUrl: endpoint.url, ...(options.focus ? { focus: options.focus } : {}) });
  stream.write(`$ ${options.e2eTest} ${args.map((a) => (/[\s[\]|()\\]/.test(a) ? `'${a}'` : a)).join(' ')}\n`);
  log(`running upstream's e2e.test (${options.kubernetes}; its specs one after another, about 1.5 h); output: ${logFile}`);
  let exitCode = -1;
  let failure: string | undefined;
  try {
    const result = await withProgress(
      () =>
        run(options.e2eTest, args, {
          reject: false,
          timeoutMs: options.timeoutMs ?? E2E_KILL_AFTER_MS,
          cwd: reportDir,
          env: { PATH: [...(options.kubectl.includes('/') ? [dirname(options.kubectl)] : []), process.env.PATH ?? ''].join(delimiter) },
          onLine: (line) => {
            stream.write(`${line}\n`);
            const said = progress.pushLogLine(line);
            if (said) log(said);
          },
          onStart: (pid) => recordE2ePid(reportsDir, pid),
          ...(options.signal ? { signal: options.signal } : {}),
        }),
      { log, what: 'upstream e2e', status: () => progress.status(), everyMs: options.progressEveryMs ?? 60_000 },
    );
    exitCode = result.exitCode;
  } catch (e) {
    failure = describeError(e).split('\n')[0]!;
  } finally {
    forgetE2ePid(reportsDir);
    await endpoint.close();
    await new Promise<void>((resolve) => stream.end(resolve));
  }
  if (options.signal?.aborted) failure ??= 'stopped (aborted)';

  const reportFile = join(reportDir, 'report.json');
  if (!existsSync(reportFile)) {
    const why = `e2e.test ${failure ?? `exited ${exitCode}`} without a JSON report; see ${logFile}`;
    return finish(summaryWithoutReport(options.catalogue, { ...meta, why }), exitCode, why);
  }
  let summary: UpstreamSummary;
  try {
    summary = summarize(readGinkgoReport(reportFile), options.catalogue, meta);
  } catch (e) {
    const why = `cannot read ${reportFile}: ${describeError(e).split('\n')[0]}`;
    return finish(summaryWithoutReport(options.catalogue, { ...meta, why }), exitCode, why);
  }
  const incomplete = failure ?? summary.incomplete;
  return finish(incomplete && !summary.incomplete ? { ...summary, incomplete } : summary, exitCode, incomplete ? `e2e.test did not complete: ${incomplete}; see ${logFile}` : undefined);
}
