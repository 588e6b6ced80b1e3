import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { interruptWork, run } from '../../harness/cluster/process/run.js';
import { runWithProgress } from '../../harness/cluster/process/run-with-progress.js';
import { e2ePidFile, forgetE2ePid, recordE2ePid, signalRecordedE2e } from '../../harness/upstream/e2e-pid-file.js';

// A command with a grandchild (sh and a background sleep): stopping it must stop the whole group.
const SCRIPT = ['-c', 'sleep 30 & sleep 30; echo not stopped'];
/** Whether the process group is gone within 3 s (a killed grandchild is reaped by init a moment later). */
async function groupGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 30; i++) {
    try {
      process.kill(-pid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
const tmp = mkdtempSync(join(tmpdir(), 'pc-run-abort-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('stopping a running command', () => {
  it('an AbortSignal stops its process group, and run() resolves with the exit', async () => {
    const controller = new AbortController();
    let pid = 0;
    const started = Date.now();
    const done = run('sh', SCRIPT, { reject: false, signal: controller.signal, onStart: (p) => (pid = p) });
    setTimeout(() => controller.abort(), 300);
    const result = await done;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout).not.toContain('not stopped');
    expect(pid).toBeGreaterThan(1);
    expect(await groupGone(pid)).toBe(true);
  });

  it('an already aborted signal stops it at once', async () => {
    const result = await run('sh', SCRIPT, { reject: false, signal: AbortSignal.abort() });
    expect(result.exitCode).not.toBe(0);
  });

  it("the pid file lets another process (global setup's Ctrl-C handler) stop e2e.test's group", async () => {
    const done = run('sh', SCRIPT, { reject: false, onStart: (p) => recordE2ePid(tmp, p) });
    await new Promise((r) => setTimeout(r, 300));
    const pid = signalRecordedE2e(tmp, 'SIGTERM');
    expect(pid).toBeGreaterThan(1);
    expect((await done).exitCode).not.toBe(0);
    expect(await groupGone(pid!)).toBe(true);
    forgetE2ePid(tmp);
    expect(signalRecordedE2e(tmp, 'SIGTERM')).toBeUndefined();
    expect(e2ePidFile(tmp)).toBe(join(tmp, 'upstream-e2e', 'e2e.test.pid'));
  });
});

// Last in this file: interruptWork() is for the whole process (Ctrl-C), it cannot be undone.
describe('Ctrl-C during the setup work', () => {
  it('stops the running build step, and the next one (go build after a killed go list) does not run at all', async () => {
    const opts = (what: string) => ({ log: () => undefined, what, progress: { push: () => undefined, status: () => undefined }, tail: { push: () => undefined }, timeoutMs: 30_000 });
    const started = Date.now();
    const first = runWithProgress('sh', SCRIPT, opts('first step'));
    await new Promise((r) => setTimeout(r, 300));
    interruptWork();
    expect((await first).exitCode).not.toBe(0);
    const second = await runWithProgress('sh', ['-c', 'echo ran; sleep 30'], opts('second step'));
    expect(second.exitCode).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    // teardown commands still run
    expect((await run('sh', ['-c', 'echo teardown'], { reject: false })).stdout.trim()).toBe('teardown');
  });
});
