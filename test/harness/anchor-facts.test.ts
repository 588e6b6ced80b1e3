// A timed step whose facts carry no cluster timestamp (container fields, endpoints) and are already
// true when it begins: measured when they did not hold yet just before the step it is measured from
// began (the A001-11 flake of a repeat run: the readiness probe ticked while `touch` returned).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { container, pod, running } from './fake-cluster-view.js';
import { claims, runFake } from './fake-runner.js';

const MANIFEST = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: busybox}]}\n';
const withReady = (ready: boolean) => pod('p', { phase: 'Running', containers: [container('c', { state: running, ready })] });

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pc-anchor-facts-'));
  writeFileSync(join(dir, 'pod.yaml'), MANIFEST);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The anchor (an apply) makes c ready while it runs, as a probe tick inside an exec step does. */
async function run(opts: { readyBefore: boolean; between: [string, string]; stepsBetween?: object[] }) {
  const steps = [
    { name: 'made-ready', apply: 'pod.yaml' },
    ...(opts.stepsBetween ?? []),
    { expect: { pod: 'p', containers: { c: { ready: true } } }, since: 'made-ready', between: opts.between },
  ];
  return await runFake({ title: 't', claims, steps }, { dir, pods: [withReady(opts.readyBefore)], onApply: (_obj, view) => view.putPod(withReady(true)) });
}

describe('a timed step already true, without a cluster timestamp', () => {
  it('is measured from just before its anchor began when its facts did not hold then', async () => {
    const { result } = await run({ readyBefore: false, between: ['0s', '5s'] });
    expect(result.error).toBeUndefined();
    const step = result.steps[1]!;
    expect(step.observed).toContain('after made-ready (seen by watch), within [0.0s, 5.0s] after made-ready');
    expect(step.measured).toMatchObject({ min: 0, max: 5 });
    expect((step.measured as { seconds: number }).seconds).toBeLessThan(0.5);
  });

  it('fails when that bound lies before the window (it happened too early)', async () => {
    const { result } = await run({ readyBefore: false, between: ['3s', '5s'] });
    expect(result.error).toMatch(/after made-ready \(seen by watch\), outside \[3\.0s, 5\.0s\] after made-ready/);
  });

  it('is refused when the facts held already before the anchor began', async () => {
    const { result } = await run({ readyBefore: true, between: ['0s', '5s'] });
    expect(result.error).toContain('they already held just before made-ready began');
  });

  it('is refused when the anchor and the steps after it took longer than 1 s (too unsure)', async () => {
    const { result } = await run({ readyBefore: false, between: ['0s', '5s'], stepsBetween: [{ holds: { pod: 'p', phase: 'Running' }, for: '1.2s' }] });
    expect(result.error).toMatch(/made-ready and the steps after it took 1\.\ds, longer than the 1s a measurement may be unsure by/);
  });
});
