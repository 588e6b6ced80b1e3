import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../config.js';
import { describeError, SetupError } from '../../common/errors.js';
import type { SetupStage } from '../run-handle.js';

/** reports/<this>: why the run had no cluster, for .ci/run and people (written only then). */
export const SETUP_FAILURE_FILE = 'setup-failure.json';

export interface SetupFailure {
  stage: SetupStage;
  provider: string;
  cause: string;
  fix: string;
  /** The whole message (every preflight problem; a stack's first lines for an unexpected error). */
  message: string;
}

/** A preflight's cause and message start with their own "preflight (<provider> provider): " header. */
const withoutPreflightHeader = (text: string) => text.replace(/^preflight \([^)]*\): /, '');

const UNEXPECTED_FIX = 'not a failure the suite expected: read the message above and the logs it names; rerun with --keep-cluster to look around';

export function setupFailureOf(config: Pick<RunConfig, 'provider'>, stage: SetupStage, err: unknown): SetupFailure {
  const message = describeError(err).replace(/^probe-conformance: /, '').split('\n').slice(0, 40).join('\n');
  const known = err instanceof SetupError;
  return {
    stage,
    provider: config.provider,
    cause: known ? withoutPreflightHeader(err.cause_) : (message.split('\n')[0] ?? String(err)),
    fix: known ? err.fix : UNEXPECTED_FIX,
    message,
  };
}

/**
 * Records once that setup failed: on screen (before any test line) and in reports/setup-failure.json.
 * Returns what the run handle tells the test workers, where the scenarios test file turns it into
 * one failing test and every scenario into "not run".
 */
export function recordSetupFailure(config: Pick<RunConfig, 'provider' | 'reportsDir'>, stage: SetupStage, err: unknown, docker: { unavailable: boolean }): { stage: SetupStage; message: string; dockerUnavailable: boolean } {
  const failure = setupFailureOf(config, stage, err);
  process.stderr.write(
    `\nprobe-conformance: SETUP FAILED (${stage}, ${config.provider} provider): ${withoutPreflightHeader(failure.message)}\n` +
      `  No scenario can run without a cluster: they are reported as not run; unit${docker.unavailable ? '' : ' and image'} tests still run.\n\n`,
  );
  try {
    writeFileSync(join(config.reportsDir, SETUP_FAILURE_FILE), `${JSON.stringify(failure, null, 2)}\n`);
  } catch {
    /* the screen and the test report still say it */
  }
  return { stage, message: failure.message, dockerUnavailable: docker.unavailable };
}
