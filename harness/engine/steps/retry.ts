import { setTimeout as delay } from 'node:timers/promises';
import { parseDuration } from '../scenario/time-expr.js';

/**
 * Runs attempt() until it returns ok, once if no `within` is given; else retries every second
 * until the deadline. Returns the last outcome either way.
 */
export async function retryWithin<T extends { ok: boolean }>(within: string | undefined, attempt: () => Promise<T>, signal?: AbortSignal): Promise<T & { attempts: number }> {
  const deadline = Date.now() + (within ? parseDuration(within) * 1000 : 0);
  for (let attempts = 1; ; attempts++) {
    signal?.throwIfAborted();
    const result = await attempt();
    if (result.ok || Date.now() >= deadline) return { ...result, attempts };
    // An abort ends the wait with its own reason (e.g. the scenario timeout), not a bare AbortError.
    await delay(1000, undefined, signal ? { signal } : undefined).catch((e: unknown) => {
      signal?.throwIfAborted();
      throw e;
    });
  }
}
