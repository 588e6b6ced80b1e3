import { abortReason, Deadline, onAbort } from '../../common/wait.js';
import type { ClusterView } from '../observe/recorder.js';
import type { Condition } from '../scenario/schema.js';
import { cannotStart } from './cannot-start.js';
import { checkAll } from './conditions.js';

const TICK_MS = 250;

export interface Held {
  /** Timeline time (ms since scenario start) at which the conditions were first seen to hold. */
  t: number;
  observed: string;
  /** The cluster's own timestamp of the facts (epoch ms, whole seconds), where every condition has one. */
  at?: number;
  /** True when they already held at the very first check (so `t` is only an upper bound). */
  atFirstCheck: boolean;
}

export class ExpectationFailed extends Error {
  constructor(
    message: string,
    readonly observed: string,
  ) {
    super(message);
    this.name = 'ExpectationFailed';
  }
}

/** Eventually: resolves when all conditions hold, or throws when withinMs passes first. */
export async function eventually(view: ClusterView, conditions: Condition[], withinMs: number, signal?: AbortSignal): Promise<Held> {
  return await watchConditions(view, conditions, withinMs, 'eventually', signal);
}

/** Never-violated: resolves after forMs if the conditions held the whole time; throws at the first violation. */
export async function holdsFor(view: ClusterView, conditions: Condition[], forMs: number, signal?: AbortSignal): Promise<Held> {
  return await watchConditions(view, conditions, forMs, 'holds', signal);
}

async function watchConditions(view: ClusterView, conditions: Condition[], ms: number, mode: 'eventually' | 'holds', signal?: AbortSignal): Promise<Held> {
  if (signal?.aborted) throw abortReason(signal);
  const startT = Date.now() - view.timeline.startedAt;
  const deadline = new Deadline(ms);
  let result: Held | undefined;
  let failure: ExpectationFailed | undefined;
  let samples = 0;
  // A step about a waiting reason may be about an image problem on purpose.
  const aboutWaiting = JSON.stringify(conditions).includes('"waitingReason"');
  await new Promise<void>((resolve, reject) => {
    let done = false;
    let stopAbort = (): void => undefined;
    const stop = () => {
      done = true;
      clearInterval(timer);
      unsubscribe();
      stopAbort();
    };
    const finish = () => {
      if (done) return;
      stop();
      resolve();
    };
    const evaluate = () => {
      if (done) return;
      try {
        const t = Date.now() - view.timeline.startedAt;
        const stuck = aboutWaiting ? undefined : cannotStart(view);
        if (stuck) {
          failure = new ExpectationFailed(stuck, stuck);
          return finish();
        }
        const check = checkAll(conditions, view);
        samples++;
        if (mode === 'eventually') {
          if (check.ok) {
            result = { t, observed: check.observed, atFirstCheck: samples === 1, ...(check.at !== undefined ? { at: check.at } : {}) };
            return finish();
          }
          if (deadline.passed()) {
            const pulling = aboutWaiting ? undefined : cannotStart(view, true);
            failure = new ExpectationFailed(`not true within ${(ms / 1000).toFixed(1)}s: ${check.observed}${pulling ? `; ${pulling}` : ''}`, check.observed);
            return finish();
          }
        } else {
          if (!check.ok) {
            failure = new ExpectationFailed(
              `stopped holding after ${((t - startT) / 1000).toFixed(1)}s of ${(ms / 1000).toFixed(1)}s: ${check.observed}`,
              check.observed,
            );
            return finish();
          }
          if (deadline.passed()) {
            result = { t, observed: `held for ${(ms / 1000).toFixed(1)}s (${samples} checks): ${check.observed}`, atFirstCheck: false };
            return finish();
          }
        }
      } catch (e) {
        stop();
        reject(e);
      }
    };
    const timer = setInterval(evaluate, TICK_MS);
    const unsubscribe = view.timeline.onChange(evaluate);
    stopAbort = onAbort(signal, (reason) => {
      if (done) return;
      stop();
      reject(reason);
    });
    queueMicrotask(evaluate);
  });
  if (failure) throw failure;
  return result!;
}
