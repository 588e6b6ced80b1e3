import type { Log } from './log.js';

/**
 * Progress lines for long jobs (cold Go builds, debootstrap, docker builds): while the job runs,
 * one line every `everyMs` (default 30 s) saying what runs, how far it is (from `status`) and how
 * long it has been running, so that a long step never looks like a hang:
 *
 *   building kube: compiled 812 of ~2105 packages (last k8s.io/kubernetes/pkg/kubelet), 3 min 30 s elapsed
 *
 * The timer is unref'd (it never keeps the process alive) and stops when the job settles.
 */
export const PROGRESS_EVERY_MS = 30_000;

export interface ProgressOptions {
  log: Log;
  /** What runs; starts each line, e.g. "building kube". */
  what: string;
  /** How far it is, asked at each line, e.g. "compiled 812 of ~2105 packages"; nothing: elapsed only. */
  status?: () => string | undefined;
  /** Milliseconds between lines; default PROGRESS_EVERY_MS; 0 or less: no lines. */
  everyMs?: number;
  /** When the work began (Date.now()), if before this job (a step of several); default: now. */
  since?: number;
}

export async function withProgress<T>(job: () => Promise<T>, options: ProgressOptions): Promise<T> {
  const started = options.since ?? Date.now();
  const everyMs = options.everyMs ?? PROGRESS_EVERY_MS;
  const tick = () => {
    let status: string | undefined;
    try {
      status = options.status?.();
    } catch (err) {
      status = `(no status: ${(err as Error).message})`;
    }
    options.log(`${options.what}: ${status ? `${status}, ` : ''}${formatElapsed(Date.now() - started)} elapsed`);
  };
  const timer = everyMs > 0 ? setInterval(tick, everyMs) : undefined;
  timer?.unref();
  try {
    return await job();
  } finally {
    if (timer) clearInterval(timer);
  }
}

/** 0.4 s, 42 s, 3 min 05 s. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.floor(s)} s`;
  const whole = Math.floor(s);
  return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
}

/** A line cut to `max` characters (progress lines quote tool output, which can be long). */
export function clip(line: string, max = 100): string {
  const t = line.trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
