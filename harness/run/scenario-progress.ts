import { renameSync, writeFileSync } from 'node:fs';
import type { Log } from '../common/log.js';
import { formatElapsed, PROGRESS_EVERY_MS } from '../common/progress.js';

/**
 * How far the scenarios are: done / running / waiting, and the time left, estimated from each
 * scenario's expected duration (expected-durations.ts) by placing the waiting ones, in start
 * order, into the concurrency slots as the running ones free them. A scenario that must run alone
 * (it disrupts the cluster: cluster-lock.ts) is running only once it has the cluster to itself, and
 * such scenarios add up one after the other. A scenario that runs past its expectation counts as
 * ending now.
 */
export interface ProgressItem {
  id: string;
  expectedSeconds: number;
  /** Runs with nothing else on the cluster. */
  alone?: boolean;
}

export class ScenarioProgress {
  private readonly waiting: ProgressItem[];
  private readonly running = new Map<string, { item: ProgressItem; startedAt: number }>();
  private done = 0;
  private failed = 0;

  /** `items` in start order; `slots`: how many run at once (--concurrency, Jest's maxConcurrency). */
  constructor(items: readonly ProgressItem[], private readonly slots: number, private readonly basis = '') {
    this.waiting = [...items];
  }

  get total(): number {
    return this.waiting.length + this.running.size + this.done;
  }

  start(id: string, now = Date.now()): void {
    const i = this.waiting.findIndex((w) => w.id === id);
    const item = i >= 0 ? this.waiting.splice(i, 1)[0]! : { id, expectedSeconds: 0 };
    this.running.set(id, { item, startedAt: now });
  }

  finish(id: string, passed: boolean): void {
    if (!this.running.delete(id)) return;
    this.done += 1;
    if (!passed) this.failed += 1;
  }

  /** Seconds until the last one is expected to end: the shared ones in the slots, then the ones that run alone, one by one. */
  secondsLeft(now = Date.now()): number {
    const left = (r: { item: ProgressItem; startedAt: number }) => Math.max(0, r.item.expectedSeconds - (now - r.startedAt) / 1000);
    const running = [...this.running.values()];
    const free = running.filter((r) => !r.item.alone).map(left);
    while (free.length < this.slots) free.push(0);
    free.sort((a, b) => a - b);
    for (const w of this.waiting.filter((w) => !w.alone)) {
      free[0] = free[0]! + w.expectedSeconds;
      free.sort((a, b) => a - b);
    }
    const alone = running.filter((r) => r.item.alone).reduce((sum, r) => sum + left(r), 0) + this.waiting.filter((w) => w.alone).reduce((sum, w) => sum + w.expectedSeconds, 0);
    return (free.length ? Math.max(...free) : 0) + alone;
  }

  /** e.g. "scenarios: 12 of 67 done (1 failed), 8 running, 47 waiting (2 to run alone); about 6 min 10 s left (durations measured in an earlier run)". */
  line(now = Date.now()): string {
    const left = this.waiting.length + this.running.size === 0 ? 'all done' : `about ${formatElapsed(Math.round(this.secondsLeft(now)) * 1000)} left${this.basis ? ` (${this.basis})` : ''}`;
    const alone = this.waiting.filter((w) => w.alone).length;
    return `scenarios: ${this.done} of ${this.total} done${this.failed ? ` (${this.failed} failed)` : ''}, ${this.running.size} running, ${this.waiting.length} waiting${alone ? ` (${alone} to run alone)` : ''}; ${left}`;
  }
}

/**
 * While the scenarios run: with `file` (PROBE_PROGRESS_FILE, set by `npm test` on a terminal), the
 * line is written there every second for the terminal's live line (live-line.mjs); without it, a
 * `[progress]` line every 30 s among the step lines (CI logs). Returns the stop function.
 */
export function reportProgress(progress: ScenarioProgress, options: { log: Log; file?: string | undefined; everyMs?: number }): () => void {
  const { file } = options;
  const tick = file
    ? () => {
        try {
          writeFileSync(`${file}.tmp`, JSON.stringify({ line: progress.line(), at: Date.now() }));
          renameSync(`${file}.tmp`, file);
        } catch {
          // the live line is a convenience: a write that fails leaves the last one
        }
      }
    : () => options.log(progress.line());
  const timer = setInterval(tick, options.everyMs ?? (file ? 1000 : PROGRESS_EVERY_MS));
  timer.unref();
  return () => {
    clearInterval(timer);
    if (file) tick();
  };
}
