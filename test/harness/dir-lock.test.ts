import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withDirLock } from '../../harness/cluster/images/lock.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'probe-lock-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('withDirLock', () => {
  it('a second holder waits (saying for whom, once) until the first is done', async () => {
    const lock = join(dir, 'a.lock');
    const lines: string[] = [];
    const order: string[] = [];
    let release!: () => void;
    const first = withDirLock(lock, () => undefined, 'first', () => new Promise<void>((resolve) => (release = resolve)).then(() => void order.push('first')));
    const second = withDirLock(lock, (l) => lines.push(l), 'building things', async () => void order.push('second'));
    await new Promise((r) => setTimeout(r, 1_200));
    expect(order).toEqual([]);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first', 'second']);
    expect(lines).toEqual([`waiting for another process (pid ${process.pid}) that is building things`]);
  });

  it('takes over a lock whose owner died, and times out on a live one with its own message', async () => {
    const stale = join(dir, 'stale.lock');
    mkdirSync(stale);
    writeFileSync(join(stale, 'owner'), '999999999\n'); // no such pid
    await expect(withDirLock(stale, () => undefined, 'x', async () => 'mine')).resolves.toBe('mine');

    const held = join(dir, 'held.lock');
    mkdirSync(held);
    writeFileSync(join(held, 'owner'), `${process.pid}\n`);
    await expect(withDirLock(held, () => undefined, 'building x', async () => 'never', 600)).rejects.toThrow(`timed out after 0.01 min waiting for the lock ${held} (building x)`);
  });
});
