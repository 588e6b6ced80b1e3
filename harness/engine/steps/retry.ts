import { waitAtMost } from '../../common/wait.js';
import { parseDuration } from '../scenario/time-expr.js';

/**
 * Runs attempt() until it returns ok, once if no `within` is given; else retries every second
 * until the deadline. Returns the last outcome either way; an abort ends it with its reason.
 */
export async function retryWithin<T extends { ok: boolean }>(within: string | undefined, attempt: () => Promise<T>, signal?: AbortSignal): Promise<T & { attempts: number }> {
  let attempts = 0;
  let last: T | undefined;
  await waitAtMost(
    async () => {
      attempts++;
      last = await attempt();
      return last.ok;
    },
    { what: 'retry', timeoutMs: within ? parseDuration(within) * 1000 : 0, intervalMs: 1000, ...(signal ? { signal } : {}) },
  );
  return { ...last!, attempts };
}
