import type { Log } from './log.js';
import { withProgress } from './progress.js';

/**
 * Every wait of the harness: polls `check` every `intervalMs` until it returns a value, up to
 * `timeoutMs`, with progress lines on request, and stops at once when `signal` aborts (a
 * scenario's timeout), leaving no timer behind:
 *
 *   await waitFor(() => answers200(url), { what: 'etcd', until: 'ready', timeoutMs: 60_000, intervalMs: 500 });
 *   // times out with WaitTimedOut "etcd: not ready after 60 s"
 *
 * A check answers "not yet" with undefined or false; anything else ends the wait and is returned.
 * It runs at once, then every intervalMs; the last sleep is cut short so that the last check
 * falls on the deadline. An error it throws ends the wait, unless `retryOn` says it means "not
 * yet" (e.g. a 404 while an object appears). waitFor throws when the time is up; waitAtMost
 * returns undefined (waits whose end is not a failure: a process given a grace period).
 */
export type NotYet = undefined | false;
export type Check<T> = () => T | NotYet | Promise<T | NotYet>;

export interface WaitOptions {
  /** What is awaited, e.g. "etcd" or "node n1 Ready": starts the timeout message and, by default, progress lines. */
  what: string;
  timeoutMs: number;
  intervalMs: number;
  /** Ends the wait at once (during a check or a sleep), rejecting with the signal's reason (abortReason). */
  signal?: AbortSignal | undefined;
  /** When the time began (Date.now()), if before the wait (a delete waits `within` from its request); default now. */
  since?: number;
  /** The default timeout message is `<what>: not <until> after N s`; default "done". */
  until?: string;
  /** Progress lines while the wait lasts (withProgress: one every 30 s unless everyMs says otherwise). */
  progress?: WaitProgress;
  /** Errors of check that mean "not yet"; the wait goes on (the last one is the timeout's cause). Default: none, any error ends the wait. */
  retryOn?: (err: unknown) => boolean;
  /** What waitFor throws when the time is up: an Error as is, a string as the WaitTimedOut's message. Default: the WaitTimedOut. */
  onTimeout?: (timedOut: WaitTimedOut) => Error | string;
}

export interface WaitProgress {
  log: Log;
  /** Starts each line; default `waiting for <what>`. */
  what?: string;
  /** How far it is, asked at each line (e.g. the last state seen). */
  status?: () => string | undefined;
  /** Milliseconds between lines; default 30 s (PROGRESS_EVERY_MS). */
  everyMs?: number;
}

export class WaitTimedOut extends Error {
  constructor(
    message: string,
    readonly what: string,
    readonly timeoutMs: number,
    /** How many times check ran. */
    readonly attempts: number,
    /** The last error retryOn let through, if the last check threw one. */
    readonly lastError?: unknown,
  ) {
    super(message, lastError !== undefined ? { cause: lastError } : undefined);
    this.name = 'WaitTimedOut';
  }
}

/** The first value check returns; throws WaitTimedOut (or what onTimeout gives) when the time is up. */
export async function waitFor<T>(check: Check<T>, options: WaitOptions): Promise<T> {
  const outcome = await poll(check, options);
  if ('value' in outcome) return outcome.value;
  const custom = options.onTimeout?.(outcome.timedOut);
  if (custom === undefined) throw outcome.timedOut;
  if (typeof custom !== 'string') throw custom;
  const t = outcome.timedOut;
  throw new WaitTimedOut(custom, t.what, t.timeoutMs, t.attempts, t.lastError);
}

/** The first value check returns, or undefined when the time is up. An abort still rejects. */
export async function waitAtMost<T>(check: Check<T>, options: Omit<WaitOptions, 'onTimeout' | 'until'>): Promise<T | undefined> {
  const outcome = await poll(check, options);
  return 'value' in outcome ? outcome.value : undefined;
}

async function poll<T>(check: Check<T>, options: WaitOptions): Promise<{ value: T } | { timedOut: WaitTimedOut }> {
  const { signal } = options;
  if (signal?.aborted) throw abortReason(signal);
  const deadline = new Deadline(options.timeoutMs, options.since);
  const loop = async (): Promise<{ value: T } | { timedOut: WaitTimedOut }> => {
    let lastError: unknown;
    for (let attempts = 1; ; attempts++) {
      let value: T | NotYet;
      try {
        value = await untilAborted(
          new Promise<T | NotYet>((resolve) => resolve(check())),
          signal,
        );
        lastError = undefined;
      } catch (err) {
        if (signal?.aborted) throw abortReason(signal);
        if (!options.retryOn?.(err)) throw err;
        lastError = err;
        value = undefined;
      }
      if (value !== undefined && value !== false) return { value };
      if (deadline.passed()) {
        const message = `${options.what}: not ${options.until ?? 'done'} after ${seconds(options.timeoutMs)} s`;
        return { timedOut: new WaitTimedOut(message, options.what, options.timeoutMs, attempts, lastError) };
      }
      await sleep(Math.min(options.intervalMs, deadline.remainingMs()), signal);
    }
  };
  const p = options.progress;
  if (!p) return await loop();
  return await withProgress(loop, {
    log: p.log,
    what: p.what ?? `waiting for ${options.what}`,
    ...(p.status ? { status: p.status } : {}),
    ...(p.everyMs !== undefined ? { everyMs: p.everyMs } : {}),
    ...(options.since !== undefined ? { since: options.since } : {}),
  });
}

/** Resolves after ms; rejects at once with the signal's reason when it aborts (the timer is cleared). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      resolve();
    }, Math.max(0, ms));
    const stop = onAbort(signal, (reason) => {
      clearTimeout(timer);
      reject(reason);
    });
  });
}

/**
 * Calls fn with the signal's reason when it aborts (at once if it already has); returns what
 * removes the listener. No signal: nothing happens.
 */
export function onAbort(signal: AbortSignal | undefined, fn: (reason: Error) => void): () => void {
  if (!signal) return () => undefined;
  if (signal.aborted) {
    fn(abortReason(signal));
    return () => undefined;
  }
  const listener = () => fn(abortReason(signal));
  signal.addEventListener('abort', listener, { once: true });
  return () => signal.removeEventListener('abort', listener);
}

/** The reason an aborted wait gives: the signal's, e.g. "scenario timeout 5m reached". */
export function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error(`aborted: ${String(signal.reason)}`);
}

/** `p`, unless the signal aborts first: then its reason (p's own outcome is then ignored). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const stop = onAbort(signal, reject);
    p.then(
      (v) => {
        stop();
        resolve(v);
      },
      (e: unknown) => {
        stop();
        reject(e);
      },
    );
  });
}

/** A point in time `ms` after `since` (default now). */
export class Deadline {
  readonly at: number;

  constructor(
    readonly ms: number,
    readonly since: number = Date.now(),
  ) {
    this.at = since + ms;
  }

  passed(now = Date.now()): boolean {
    return now >= this.at;
  }

  remainingMs(now = Date.now()): number {
    return Math.max(0, this.at - now);
  }
}

/** 60, 1.5: whole seconds as such, else one decimal. */
function seconds(ms: number): string {
  return ms % 1000 === 0 ? String(ms / 1000) : (ms / 1000).toFixed(1);
}
