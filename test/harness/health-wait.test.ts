import { describe, expect, it } from '@jest/globals';
import { WaitTimedOut } from '../../harness/common/wait.js';
import { DaemonDied, waitUntilReady } from '../../harness/cluster/local/health.js';

describe('waitUntilReady (local daemons)', () => {
  it('resolves once ready says true; an error of ready counts as not yet', async () => {
    let n = 0;
    await waitUntilReady(
      'etcd',
      async () => {
        if (++n === 1) throw new Error('ECONNREFUSED');
        return n >= 3;
      },
      { timeoutMs: 5_000, intervalMs: 10 },
    );
    expect(n).toBe(3);
  });

  it('times out with "<what>: not ready after N s"', async () => {
    await expect(waitUntilReady('kube-apiserver', async () => false, { timeoutMs: 1_000, intervalMs: 200 })).rejects.toThrow(new WaitTimedOut('kube-apiserver: not ready after 1 s', 'kube-apiserver', 1_000, 6));
  });

  it('throws DaemonDied as soon as the daemon exits, even in the middle of a long sleep', async () => {
    let exit!: (code: number | null) => void;
    const died = new Promise<number | null>((resolve) => (exit = resolve));
    const t0 = Date.now();
    setTimeout(() => exit(1), 50);
    const err = await waitUntilReady('kubelet', async () => false, { timeoutMs: 60_000, intervalMs: 30_000, died }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DaemonDied);
    expect(err).toMatchObject({ message: 'kubelet: the process exited (code 1)', exitCode: 1 });
    expect(Date.now() - t0).toBeLessThan(1_000);
    // A daemon already gone: DaemonDied, not a timeout, even with no time to wait.
    await expect(waitUntilReady('kubelet', async () => false, { timeoutMs: 0, died: Promise.resolve(2) })).rejects.toThrow('kubelet: the process exited (code 2)');
  });

  it('a signal ends the wait with its reason', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('scenario timeout 1s reached')), 50);
    await expect(waitUntilReady('kubelet of n2', async () => false, { timeoutMs: 60_000, intervalMs: 30_000, signal: controller.signal })).rejects.toThrow('scenario timeout 1s reached');
  });
});
