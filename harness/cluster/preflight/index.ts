/**
 * The preflight: before any cluster work, everything the chosen provider needs on this machine,
 * checked at once, every problem listed with its fix (see docs/preflight.md). It changes
 * nothing: no daemon is started, nothing is built or installed.
 */
import type { ChosenConfig } from '../registry-choice.js';
import { PreflightError } from '../../common/errors.js';
import type { Log } from '../../common/log.js';
import { combine, type CheckResult } from './check.js';
import { checkReportBrowser } from './report-browser.js';
import { checkExistingProvider } from './existing-checks.js';
import { checkKindProvider } from './kind-checks.js';
import { checkLocalProvider } from './local-checks.js';
import type { MachineOptions } from './machine.js';
import { formatPreflight, subjectOf, type PreflightReport } from './report.js';

export type { PreflightReport } from './report.js';
export { formatChecks, formatPreflight } from './report.js';
export type { MachineOptions } from './machine.js';

export async function runPreflight(config: ChosenConfig, machine: MachineOptions = {}): Promise<PreflightReport> {
  let result: CheckResult;
  switch (config.provider) {
    case 'local':
      result = await checkLocalProvider(config, machine);
      break;
    case 'kind':
      result = await checkKindProvider(config, machine);
      break;
    case 'existing':
      result = await checkExistingProvider(config, machine);
      break;
  }
  // Every provider: the run opens its report page in headless Chromium.
  result = combine(result, checkReportBrowser(config.provider, machine.env ?? process.env));
  return { provider: config.provider, ...result };
}

/** The error to throw for a report with problems (all of them in its message). */
export function preflightError(report: PreflightReport): PreflightError {
  return new PreflightError(report.problems, subjectOf(report));
}

/** Whether the report found a Docker engine that answers or can be started (the image tests need one too). */
export function dockerUsable(report: PreflightReport): boolean {
  return !report.lines.some((l) => !l.ok && l.name.startsWith('docker '));
}

/** Thrown by checkBeforeClusterWork: every problem, and whether Docker is among them. */
export class PreflightFailed extends PreflightError {
  readonly dockerUsable: boolean;
  constructor(report: PreflightReport) {
    const e = preflightError(report);
    super(e.problems, e.subject);
    this.dockerUsable = dockerUsable(report);
  }
}

/** Runs the preflight; logs its notes, and throws a PreflightFailed listing every problem if there is any. */
export async function checkBeforeClusterWork(config: ChosenConfig, log: Log, machine: MachineOptions = {}): Promise<PreflightReport> {
  const report = await runPreflight(config, machine);
  for (const note of report.notes) log(`preflight: ${note}`);
  if (report.problems.length > 0) throw new PreflightFailed(report);
  log(formatPreflight(report));
  return report;
}
