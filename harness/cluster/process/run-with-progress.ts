import type { Log } from '../../common/log.js';
import { withProgress } from '../../common/progress.js';
import { run, workSignal, type RunResult } from './run.js';

/** Reads a command's output lines and says how far it is (DebootstrapProgress, DockerBuildProgress...). */
export interface OutputProgress {
  push(line: string): void;
  status(): string | undefined;
}

export interface RunWithProgressOptions {
  log: Log;
  /** Starts each progress line, e.g. "building probe-conformance/nginx:1". */
  what: string;
  progress: OutputProgress;
  /** Also gets every line, e.g. a LineTail kept for the error message. */
  tail: { push(line: string): void };
  timeoutMs: number;
  /** Milliseconds between progress lines (default 30 s). */
  everyMs?: number;
  cwd?: string;
  env?: Record<string, string>;
  /** When the work began, if before this command (one step of several); default: now. */
  since?: number;
}

/** Runs a long command to completion (non-zero exits resolve), with a progress line every 30 s; none after Ctrl-C (workSignal). */
export function runWithProgress(file: string, args: readonly string[], options: RunWithProgressOptions): Promise<RunResult> {
  const { progress, tail } = options;
  return withProgress(
    () =>
      run(file, args, {
        reject: false,
        timeoutMs: options.timeoutMs,
        signal: workSignal,
        ...(options.cwd ? { cwd: options.cwd } : {}),
        ...(options.env ? { env: options.env } : {}),
        onLine: (line) => {
          tail.push(line);
          progress.push(line);
        },
      }),
    { log: options.log, what: options.what, status: () => progress.status(), everyMs: options.everyMs, since: options.since },
  );
}
