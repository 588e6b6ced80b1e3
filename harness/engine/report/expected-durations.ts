import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How long each scenario is expected to take: measured in an earlier run with the same reports
 * folder (`durations.json`, written when the scenarios end: each passed scenario's duration), else
 * its declared `timeout`, an upper bound. Runs start the longest first and estimate the time left
 * from these.
 */
export const DURATIONS_FILE = 'durations.json';

export interface Expected {
  seconds: number;
  source: 'measured' | 'declared';
}

/** The measured seconds per scenario ID of an earlier run; empty when there is none or it cannot be read. */
export function readMeasuredDurations(reportsDir: string): Record<string, number> {
  const file = join(reportsDir, DURATIONS_FILE);
  if (!existsSync(file)) return {};
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as { seconds?: Record<string, unknown> };
    return Object.fromEntries(Object.entries(data.seconds ?? {}).filter((e): e is [string, number] => typeof e[1] === 'number' && e[1] > 0));
  } catch {
    return {};
  }
}

export function expectedDuration(id: string, declaredSeconds: number, measured: Record<string, number>): Expected {
  const seconds = measured[id];
  return seconds !== undefined ? { seconds, source: 'measured' } : { seconds: declaredSeconds, source: 'declared' };
}

/** Keeps the earlier measurements and replaces those of the scenarios that passed in this run. */
export function writeMeasuredDurations(reportsDir: string, passed: Record<string, number>): void {
  const seconds = { ...readMeasuredDurations(reportsDir), ...passed };
  const sorted = Object.fromEntries(Object.entries(seconds).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(join(reportsDir, DURATIONS_FILE), `${JSON.stringify({ note: 'seconds each scenario took when it last passed; the next run starts the longest first and estimates the time left from them', seconds: sorted }, null, 2)}\n`);
}
