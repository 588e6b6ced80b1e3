import type { ScenarioResult } from '../scenario/runner.js';

/** A probe that got no answer in its timeoutSeconds (HTTP, TCP, gRPC or exec), as the kubelet words it. */
const PROBE_TIMED_OUT = /probe failed: .*(context deadline exceeded|Client\.Timeout exceeded|timed out after|i\/o timeout|DeadlineExceeded)/i;

/**
 * For a failed run whose probes timed out: a hint that the node may have been too busy to answer
 * them (measured: 16 runs at once on 2 CPUs made healthy servers miss 1 s probe timeouts; see
 * docs/repeat-runs.md). Scenarios about timeouts time out on purpose, so it is a hint, not a verdict.
 */
export function busyNodeHint(result: Pick<ScenarioResult, 'passed' | 'timeline'>, run: { concurrency: number; cpus: number }): string | undefined {
  if (result.passed) return undefined;
  const timedOut = [...new Set(result.timeline.filter((e) => e.kind === 'event' && PROBE_TIMED_OUT.test(e.text)).map((e) => e.subject))];
  if (timedOut.length === 0) return undefined;
  return `hint: probes timed out on ${timedOut.join(', ')}; if they were meant to answer in time, the node may have been too busy (--concurrency ${run.concurrency}; this machine has ${run.cpus} CPUs): rerun with a lower --concurrency`;
}
