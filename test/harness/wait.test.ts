import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { abortReason, sleep, waitAtMost, waitFor, WaitTimedOut } from '../../harness/common/wait.js';

// Fake timers (Date.now included): every interval and deadline is exact, and jest.getTimerCount()
// shows whether a wait left a timer behind.
beforeEach(() => {
  jest.useFakeTimers({ now: 0 });
});
afterEach(() => {
  jest.useRealTimers();
});

/** A check that says "not yet" `misses` times, then `value`; records when it ran. */
function flaky<T>(misses: number, value: T) {
  const at: number[] = [];
  return {
    at,
    check: () => {
      at.push(Date.now());
      return at.length > misses ? value : undefined;
    },
  };
}

const never = () => new Promise<never>(() => undefined);

describe('waitFor', () => {
  it('resolves with the first value, checking at once, and leaves no timer', async () => {
    const c = flaky(0, 'up');
    await expect(waitFor(c.check, { what: 'x', timeoutMs: 1_000, intervalMs: 100 })).resolves.toBe('up');
    expect(c.at).toEqual([0]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('checks again every interval until a value comes; false and undefined both mean not yet', async () => {
    const c = flaky(3, 42);
    const p = waitFor(c.check, { what: 'x', timeoutMs: 10_000, intervalMs: 250 });
    await jest.advanceTimersByTimeAsync(1_000);
    await expect(p).resolves.toBe(42);
    expect(c.at).toEqual([0, 250, 500, 750]);
    let n = 0;
    const q = waitFor(async () => ++n >= 2, { what: 'y', timeoutMs: 10_000, intervalMs: 100 });
    await jest.advanceTimersByTimeAsync(100);
    await expect(q).resolves.toBe(true);
    expect(n).toBe(2);
  });

  it('times out with "<what>: not <until> after N s", the last check on the deadline', async () => {
    const c = flaky(Infinity, 'never');
    const p = waitFor(c.check, { what: 'etcd', until: 'ready', timeoutMs: 1_000, intervalMs: 300 });
    const settled = expect(p).rejects.toThrow(new WaitTimedOut('etcd: not ready after 1 s', 'etcd', 1_000, 5));
    await jest.advanceTimersByTimeAsync(1_000);
    await settled;
    expect(c.at).toEqual([0, 300, 600, 900, 1_000]);
    await expect(p.catch((e: unknown) => e)).resolves.toMatchObject({ name: 'WaitTimedOut', what: 'etcd', timeoutMs: 1_000, attempts: 5 });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('checks once with no time at all; until defaults to "done"; seconds keep one decimal', async () => {
    const c = flaky(Infinity, 1);
    await expect(waitFor(c.check, { what: 'x', timeoutMs: 0, intervalMs: 100 })).rejects.toThrow('x: not done after 0 s');
    expect(c.at).toEqual([0]);
    const p = waitFor(() => undefined, { what: 'dockerd', until: 'answering', timeoutMs: 1_500, intervalMs: 500 });
    const settled = expect(p).rejects.toThrow('dockerd: not answering after 1.5 s');
    await jest.advanceTimersByTimeAsync(1_500);
    await settled;
  });

  it('onTimeout words the error (a string keeps WaitTimedOut) or replaces it', async () => {
    const asString = waitFor(() => undefined, { what: 'lock', timeoutMs: 0, intervalMs: 1, onTimeout: (t) => `timed out after ${t.timeoutMs} ms waiting for the lock` });
    await expect(asString).rejects.toThrow(WaitTimedOut);
    await expect(asString).rejects.toThrow(/^timed out after 0 ms waiting for the lock$/);
    class Special extends Error {}
    await expect(waitFor(() => undefined, { what: 'x', timeoutMs: 0, intervalMs: 1, onTimeout: (t) => new Special(`special: ${t.message}`) })).rejects.toThrow(new Special('special: x: not done after 0 s'));
  });

  it('counts the time from `since` (a delete waits from its request)', async () => {
    jest.setSystemTime(10_000);
    const c = flaky(Infinity, 1);
    const p = waitFor(c.check, { what: 'pod/p', until: 'gone', timeoutMs: 1_000, intervalMs: 300, since: 9_500 });
    const settled = expect(p).rejects.toThrow('pod/p: not gone after 1 s');
    await jest.advanceTimersByTimeAsync(500);
    await settled;
    expect(c.at).toEqual([10_000, 10_300, 10_500]);
  });

  it('an error of the check ends the wait, unless retryOn says it means not yet; the last one is the timeout cause', async () => {
    const notFound = Object.assign(new Error('404 not found'), { code: 404 });
    const denied = Object.assign(new Error('403 forbidden'), { code: 403 });
    await expect(
      waitFor(
        () => {
          throw notFound;
        },
        { what: 'x', timeoutMs: 10_000, intervalMs: 100 },
      ),
    ).rejects.toBe(notFound);

    const is404 = (e: unknown) => (e as { code?: number }).code === 404;
    let n = 0;
    const p = waitFor(
      async () => {
        if (++n < 3) throw notFound;
        return 'sa';
      },
      { what: 'x', timeoutMs: 10_000, intervalMs: 100, retryOn: is404 },
    );
    await jest.advanceTimersByTimeAsync(200);
    await expect(p).resolves.toBe('sa');

    const q = waitFor(
      () => {
        throw ++n > 5 ? denied : notFound;
      },
      { what: 'x', timeoutMs: 10_000, intervalMs: 100, retryOn: is404 },
    );
    const rejected = expect(q).rejects.toBe(denied);
    await jest.advanceTimersByTimeAsync(200);
    await rejected;

    const r = waitFor(
      () => {
        throw notFound;
      },
      { what: 'sa', until: 'created', timeoutMs: 200, intervalMs: 100, retryOn: is404 },
    );
    const timedOut = expect(r).rejects.toMatchObject({ message: 'sa: not created after 0.2 s', lastError: notFound, cause: notFound });
    await jest.advanceTimersByTimeAsync(200);
    await timedOut;
  });
});

describe('abort', () => {
  const reason = () => new Error('scenario timeout 5m reached');

  it('rejects at once with the reason during a sleep, and leaves no timer', async () => {
    const controller = new AbortController();
    const c = flaky(Infinity, 1);
    const p = waitFor(c.check, { what: 'x', timeoutMs: 60_000, intervalMs: 10_000, signal: controller.signal });
    await jest.advanceTimersByTimeAsync(50);
    expect(jest.getTimerCount()).toBe(1); // the sleep
    controller.abort(reason());
    await expect(p).rejects.toThrow('scenario timeout 5m reached');
    expect(c.at).toEqual([0]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('rejects at once during a check that hangs, and with progress lines on, stops them too', async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    const p = waitFor(never, { what: 'x', timeoutMs: 60_000, intervalMs: 100, signal: controller.signal, progress: { log: (l) => lines.push(l), everyMs: 1_000 } });
    await jest.advanceTimersByTimeAsync(1_500);
    controller.abort(reason());
    await expect(p).rejects.toThrow('scenario timeout 5m reached');
    expect(lines).toEqual(['waiting for x: 1.0 s elapsed']);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('an already aborted signal rejects before the first check; a reason that is no Error is wrapped', async () => {
    const controller = new AbortController();
    controller.abort(reason());
    const c = flaky(0, 1);
    await expect(waitFor(c.check, { what: 'x', timeoutMs: 1_000, intervalMs: 100, signal: controller.signal })).rejects.toThrow('scenario timeout 5m reached');
    await expect(waitAtMost(c.check, { what: 'x', timeoutMs: 1_000, intervalMs: 100, signal: controller.signal })).rejects.toThrow('scenario timeout 5m reached');
    expect(c.at).toEqual([]);
    const other = new AbortController();
    other.abort('stop');
    expect(abortReason(other.signal).message).toBe('aborted: stop');
  });

  it('a wait that ends leaves no abort listener on the signal, however many checks it made', async () => {
    const controller = new AbortController();
    const c = flaky(20, 'ok');
    const p = waitFor(async () => c.check(), { what: 'x', timeoutMs: 60_000, intervalMs: 10, signal: controller.signal, progress: { log: () => undefined } });
    await jest.advanceTimersByTimeAsync(200);
    await expect(p).resolves.toBe('ok');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('an abort is not something retryOn can swallow', async () => {
    const controller = new AbortController();
    const p = waitFor(never, { what: 'x', timeoutMs: 60_000, intervalMs: 100, signal: controller.signal, retryOn: () => true });
    controller.abort(reason());
    await expect(p).rejects.toThrow('scenario timeout 5m reached');
  });

  it('sleep resolves after ms, or rejects at once with the reason and clears its timer', async () => {
    let slept = false;
    const s = sleep(1_000).then(() => (slept = true));
    await jest.advanceTimersByTimeAsync(999);
    expect(slept).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await s;
    expect(slept).toBe(true);
    const controller = new AbortController();
    const t = sleep(60_000, controller.signal);
    controller.abort(reason());
    await expect(t).rejects.toThrow('scenario timeout 5m reached');
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('progress', () => {
  it('prints a line every everyMs with the status while the wait lasts, none after', async () => {
    const lines: string[] = [];
    let state = 'no node registered';
    const c = flaky(25, 'ready');
    const p = waitFor(
      () => {
        state = `check ${c.at.length + 1}`;
        return c.check();
      },
      { what: '2 node(s) Ready', timeoutMs: 60_000, intervalMs: 100, progress: { log: (l) => lines.push(l), status: () => state, everyMs: 1_000 } },
    );
    await jest.advanceTimersByTimeAsync(2_500);
    await expect(p).resolves.toBe('ready');
    expect(lines).toEqual(['waiting for 2 node(s) Ready: check 10, 1.0 s elapsed', 'waiting for 2 node(s) Ready: check 20, 2.0 s elapsed']);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(lines).toHaveLength(2);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('defaults to a line every 30 s, worded by progress.what, elapsed counted from since', async () => {
    const lines: string[] = [];
    const p = waitAtMost(() => undefined, { what: 'x', timeoutMs: 50_000, intervalMs: 1_000, since: -5_000, progress: { log: (l) => lines.push(l), what: 'waiting for the lock' } });
    await jest.advanceTimersByTimeAsync(45_000);
    await expect(p).resolves.toBeUndefined();
    expect(lines).toEqual(['waiting for the lock: 35 s elapsed']);
  });
});

describe('waitAtMost', () => {
  it('returns the value, or undefined when the time is up (a grace period, not a failure)', async () => {
    await expect(waitAtMost(() => 'gone', { what: 'x', timeoutMs: 100, intervalMs: 10 })).resolves.toBe('gone');
    const c = flaky(Infinity, 1);
    const p = waitAtMost(c.check, { what: 'pid 1 to exit', timeoutMs: 300, intervalMs: 100 });
    await jest.advanceTimersByTimeAsync(300);
    await expect(p).resolves.toBeUndefined();
    expect(c.at).toEqual([0, 100, 200, 300]);
  });
});
