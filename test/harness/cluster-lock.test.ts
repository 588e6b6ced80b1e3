import { describe, expect, it } from '@jest/globals';
import { ClusterLock, disruptsCluster } from '../../harness/engine/scenario/cluster-lock.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('ClusterLock', () => {
  it('shared holders run together; an exclusive one runs once none is left, alone', async () => {
    const lock = new ClusterLock();
    const order: string[] = [];
    const a = await lock.shared();
    const x = lock.exclusive().then((release) => (order.push('x'), release));
    const b = await lock.shared(); // does not queue behind x
    await tick();
    expect(order).toEqual([]);
    a();
    await tick();
    expect(order).toEqual([]); // b still runs
    b();
    const releaseX = await x;
    expect(order).toEqual(['x']);
    const c = lock.shared().then((release) => (order.push('c'), release));
    await tick();
    expect(order).toEqual(['x']); // nothing runs beside x
    releaseX();
    (await c)();
    expect(order).toEqual(['x', 'c']);
  });

  it('asked in the same turn (Jest starts concurrent tests so), an exclusive holder and a shared one never both hold it', async () => {
    for (const exclusiveFirst of [true, false]) {
      const lock = new ClusterLock();
      const holding = new Set<string>();
      const overlaps: string[] = [];
      const use = async (name: string, get: () => Promise<() => void>) => {
        const release = await get();
        holding.add(name);
        if (holding.has('x') && holding.size > 1) overlaps.push([...holding].join('+'));
        await tick();
        holding.delete(name);
        release();
      };
      const users = exclusiveFirst
        ? [use('x', () => lock.exclusive()), use('a', () => lock.shared()), use('b', () => lock.shared())]
        : [use('a', () => lock.shared()), use('x', () => lock.exclusive()), use('b', () => lock.shared())];
      await Promise.all(users);
      expect(overlaps).toEqual([]);
    }
  });

  it('a scenario with a node step is the disruptive kind', () => {
    expect(disruptsCluster([{ apply: 'a.yaml' }, { node: { of: 'p', action: 'stop' } }])).toBe(true);
    expect(disruptsCluster([{ apply: 'a.yaml' }, { expect: { pod: 'p' } }])).toBe(false);
  });
});
