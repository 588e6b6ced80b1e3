import { definitionOfStep } from '../steps/registry.js';

/**
 * Scenarios share the cluster and run side by side, except one that disrupts it for everyone
 * (a `node` step stops a node, a `restart` step restarts the API server or a kubelet): it waits until the others running have finished, and runs alone.
 * A read/write lock in the one process that runs the scenarios. Shared users never wait for a
 * waiting exclusive one: a disruptive scenario runs once nothing else is running, at the latest
 * at the end, instead of stalling everything behind the longest scenario in progress.
 */
export class ClusterLock {
  private readers = 0;
  private writer = false;
  private waiters: (() => void)[] = [];

  /** Shared use; returns the release function. */
  async shared(): Promise<() => void> {
    await this.acquire(
      () => !this.writer,
      () => this.readers++,
    );
    return this.once(() => {
      this.readers--;
      this.wake();
    });
  }

  /** Sole use: no other scenario runs meanwhile; returns the release function. */
  async exclusive(): Promise<() => void> {
    await this.acquire(
      () => !this.writer && this.readers === 0,
      () => (this.writer = true),
    );
    return this.once(() => {
      this.writer = false;
      this.wake();
    });
  }

  /**
   * Waits until ready() holds, then take()s in the same turn: no await between the check and the
   * taking, or two callers could both see the lock free (an exclusive and a shared one did, once).
   */
  private async acquire(ready: () => boolean, take: () => void): Promise<void> {
    while (!ready()) await new Promise<void>((resolve) => this.waiters.push(resolve));
    take();
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const resolve of waiting) resolve();
  }

  private once(fn: () => void): () => void {
    let done = false;
    return () => {
      if (!done) {
        done = true;
        fn();
      }
    };
  }
}

/** Whether a scenario disrupts the cluster for the others (a step of its kind does, e.g. a node stop). */
export function disruptsCluster(steps: readonly object[]): boolean {
  return steps.some((s) => definitionOfStep(s)?.disruptsCluster === true);
}
