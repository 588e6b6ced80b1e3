/**
 * When something happened, as an interval in timeline ms (ms since the scenario started).
 * A moment seen by a watch is exact (lo = hi) but late by the delivery delay; a moment the
 * cluster stamped itself (event lastTimestamp, condition lastTransitionTime, container startedAt)
 * has no delivery delay but whole-second resolution, so it lies in [stamp, stamp + 1 s).
 */
export interface Moment {
  lo: number;
  hi: number;
  /** Where the moment comes from, for the report. */
  source: 'watch' | 'cluster';
}

export function watchMoment(t: number): Moment {
  return { lo: t, hi: t, source: 'watch' };
}

/** A cluster timestamp (epoch ms, truncated to the second) on the timeline that started at startedAt. */
export function clusterMoment(epochMs: number, timelineStartedAt: number): Moment {
  const lo = epochMs - timelineStartedAt;
  return { lo, hi: lo + 1_000, source: 'cluster' };
}

/** The possible elapsed times, in seconds, from `from` to `to`. */
export function elapsedBetween(from: Moment, to: Moment): { lo: number; hi: number } {
  return { lo: (to.lo - from.hi) / 1000, hi: (to.hi - from.lo) / 1000 };
}

/** The elapsed time as one number for the report: the interval's middle. */
export function elapsedText(e: { lo: number; hi: number }): string {
  const mid = (e.lo + e.hi) / 2;
  const half = (e.hi - e.lo) / 2;
  return half > 0.05 ? `${mid.toFixed(1)}s (±${half.toFixed(1)}s)` : `${mid.toFixed(1)}s`;
}

/** Whether the elapsed interval can lie within [min, max] seconds. */
export function fitsWindow(e: { lo: number; hi: number }, min: number, max: number): boolean {
  return e.hi >= min && e.lo <= max;
}
