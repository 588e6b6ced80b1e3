import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/**
 * reports/upstream-e2e/summary.json: upstream's own verdict on the catalogue's cases
 * (scenarios/upstream-cases.yaml), from a run of upstream's e2e.test on this run's cluster
 * (harness/upstream/). The claims report puts it next to the suite's scenario for the same case.
 * Only the file's format lives here; harness/upstream/ writes it.
 */
export const UPSTREAM_SUMMARY_FILE = join('upstream-e2e', 'summary.json');

/** passed / failed (failed, panicked, timed out); skipped (at run time, e.g. by e2eskipper); not run (not selected, not in e2e.test, or the run stopped first). */
export const UPSTREAM_STATES = ['passed', 'failed', 'skipped', 'not run'] as const;
export type UpstreamState = (typeof UPSTREAM_STATES)[number];

const caseResult = z.strictObject({
  state: z.enum(UPSTREAM_STATES),
  /** Ginkgo's own state (passed, failed, timedout, interrupted ...), when the report has the spec. */
  ginkgoState: z.string().optional(),
  seconds: z.number().nonnegative().optional(),
  /** First line of the failure (or skip) message. */
  message: z.string().optional(),
  /** Why it did not run. */
  reason: z.string().optional(),
});
export type UpstreamCaseResult = z.infer<typeof caseResult>;

const summary = z.strictObject({
  /** Kubernetes version of e2e.test. */
  kubernetes: z.string(),
  generatedAt: z.string(),
  focus: z.string(),
  skip: z.string(),
  /** Ginkgo's SuiteSucceeded. */
  suiteSucceeded: z.boolean(),
  /** Why the run as a whole did not complete (interrupted, suite setup failed ...), if so. */
  incomplete: z.string().optional(),
  /** The suite's wall time (Ginkgo's RunTime). */
  wallSeconds: z.number().nonnegative(),
  counts: z.strictObject({ passed: z.number(), failed: z.number(), skipped: z.number(), notRun: z.number() }),
  /** Per catalogue case ID, in catalogue order. */
  cases: z.record(z.string(), caseResult),
  /** Specs e2e.test ran that no catalogue case names: the catalogue is out of date. */
  unmatched: z.array(z.strictObject({ name: z.string(), state: z.string(), seconds: z.number().nonnegative() })),
});
export type UpstreamSummary = z.infer<typeof summary>;

export function writeUpstreamSummary(reportsDir: string, value: UpstreamSummary): string {
  const file = join(reportsDir, UPSTREAM_SUMMARY_FILE);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(summary.parse(value), null, 2)}\n`);
  return file;
}

/** The summary of this reports folder, or undefined when there is none; a malformed file is an error naming it. */
export function readUpstreamSummary(reportsDir: string): UpstreamSummary | undefined {
  const file = join(reportsDir, UPSTREAM_SUMMARY_FILE);
  if (!existsSync(file)) return undefined;
  const parsed = summary.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  return parsed.data;
}
