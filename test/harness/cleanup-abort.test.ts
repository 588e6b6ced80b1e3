// What ends a scenario early must still clean up: the undo actions steps register, and waits that
// stop at once when the scenario's timeout aborts them.
import { describe, expect, it } from '@jest/globals';
import type { ClusterView } from '../../harness/engine/observe/recorder.js';
import { Timeline } from '../../harness/engine/observe/timeline.js';
import { eventually, holdsFor } from '../../harness/engine/expect/wait.js';
import { CleanupStack } from '../../harness/engine/scenario/cleanup.js';
import { retryWithin } from '../../harness/engine/steps/retry.js';

const emptyView = (): ClusterView => ({ pods: new Map(), lastSeenPods: new Map(), firstSeen: new Map(), events: [], slices: [], timeline: new Timeline() });

describe('CleanupStack', () => {
  it('runs the undo actions last first, each once, and keeps going past a failing one', async () => {
    const done: string[] = [];
    const stack = new CleanupStack();
    stack.defer('a', 'undo a', async () => done.push('a'));
    stack.defer('b', 'undo b', async () => {
      throw new Error('boom');
    });
    stack.defer('c', 'undo c', async () => done.push('c'));
    const lines: string[] = [];
    expect(await stack.runAll((l) => lines.push(l))).toEqual(['undo b: boom']);
    expect(done).toEqual(['c', 'a']);
    expect(lines).toEqual(['cleanup: undo c', 'cleanup: undo b', 'cleanup: undo a']);
    expect(await stack.runAll(() => undefined)).toEqual([]);
  });

  it('a step that undoes the action itself cancels it (a node started again is not started twice)', async () => {
    const done: string[] = [];
    const stack = new CleanupStack();
    stack.defer('node:n2', 'start node n2', async () => done.push('start n2'));
    stack.cancel('node:n2');
    stack.defer('node:n3', 'start node n3', async () => done.push('start n3'));
    stack.defer('node:n3', 'start node n3', async () => done.push('start n3 (again)'));
    await stack.runAll(() => undefined);
    expect(done).toEqual(['start n3 (again)']);
  });
});

describe('an aborted scenario stops waiting at once', () => {
  const timeout = () => new Error('scenario timeout 1s reached');

  it('eventually and holdsFor reject with the abort reason, long before their own deadline', async () => {
    for (const wait of [eventually, holdsFor]) {
      const controller = new AbortController();
      const t0 = Date.now();
      setTimeout(() => controller.abort(timeout()), 50);
      // holds: a pod that exists: false holds, eventually: a pod that never appears.
      const condition = wait === eventually ? [{ pod: 'p' }] : [{ pod: 'p', exists: false }];
      await expect(wait(emptyView(), condition, 60_000, controller.signal)).rejects.toThrow('scenario timeout 1s reached');
      expect(Date.now() - t0).toBeLessThan(1_000);
    }
  });

  it('an already aborted signal rejects before the first check; retries stop too', async () => {
    const controller = new AbortController();
    controller.abort(timeout());
    await expect(eventually(emptyView(), [{ pod: 'p' }], 60_000, controller.signal)).rejects.toThrow('scenario timeout');
    let attempts = 0;
    const live = new AbortController();
    setTimeout(() => live.abort(timeout()), 50);
    const t0 = Date.now();
    await expect(retryWithin('60s', async () => ({ ok: ++attempts > 100 }), live.signal)).rejects.toThrow('scenario timeout');
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(attempts).toBe(1);
  });
});
