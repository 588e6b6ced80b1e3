import { describe, expect, it } from '@jest/globals';
import type { ScenarioContext } from '../../harness/engine/scenario/context.js';
import { Timeline, STATUS_BACKLOG_MS } from '../../harness/engine/observe/timeline.js';
import { cannotStart } from '../../harness/engine/expect/cannot-start.js';
import { eventually } from '../../harness/engine/expect/wait.js';
import { expectStep } from '../../harness/engine/steps/expect.js';
import { holdsStep } from '../../harness/engine/steps/holds.js';
import { restartStep } from '../../harness/engine/steps/restart.js';
import { container, FakeClusterView, pod, running, time } from './fake-cluster-view.js';

function contextWith(view: FakeClusterView): ScenarioContext {
  view.timeline.add('container', 'p/c', 'running', time(1).toISOString());
  return { view, stepTimes: new Map(), signal: new AbortController().signal, probeLookup: () => undefined } as unknown as ScenarioContext;
}

/** A gap that began and ended just now (as after a restart step). */
function closedGap(timeline: Timeline, what = 'kube-apiserver down'): void {
  timeline.endGap(timeline.startGap('kube-apiserver', what, STATUS_BACKLOG_MS, 'stopping'), 'kube-apiserver', 'healthy again');
}

describe('gaps on the timeline', () => {
  it('a moment in a gap or its backlog belongs to it; one after the backlog does not', () => {
    const timeline = new Timeline();
    timeline.gaps.push({ from: 1_000, to: 5_000, what: 'watches lost', backlogMs: 2_000 });
    expect(timeline.gapAt(999)).toBeUndefined();
    expect(timeline.gapAt(3_000)?.what).toBe('watches lost');
    expect(timeline.gapAt(6_999)?.what).toBe('watches lost');
    expect(timeline.gapAt(7_001)).toBeUndefined();
    expect(timeline.gapsOverlapping(6_500, 9_000)).toHaveLength(1);
    expect(timeline.gapsOverlapping(7_500, 9_000)).toHaveLength(0);
    expect(Timeline.gapText(timeline.gaps[0]!)).toBe('watches lost 1.0s-5.0s');
  });

  it('an open gap covers everything after its start; start and end are notes on the timeline', () => {
    const timeline = new Timeline();
    const gap = timeline.startGap('watches', 'watches lost', 2_000, 'watch of pods lost (ECONNREFUSED)');
    expect(timeline.gapAt(gap.from + 60_000)).toBe(gap);
    timeline.endGap(gap, 'watches', 'watches re-established');
    expect(timeline.entries.map((e) => `${e.kind} ${e.subject}: ${e.text}`)).toEqual([
      'note watches: watch of pods lost (ECONNREFUSED)',
      expect.stringMatching(/^note watches: watches re-established \(watches lost \d+\.\ds-\d+\.\ds\)$/),
    ]);
  });

  it('a timed step whose fact only the watch saw, in a gap, gives no verdict and names the gap', async () => {
    const view = new FakeClusterView({ pods: [pod('p', { phase: 'Running', containers: [container('c', { state: running, restartCount: 1 })] })] });
    const ctx = contextWith(view);
    closedGap(view.timeline);
    const step = expectStep.schema.parse({ since: 'start:p/c', within: '1s', expect: { pod: 'p', containers: { c: { restartCount: 1 } } }, between: ['0s', '1000000000s'] });
    await expect(expectStep.run(ctx, step)).rejects.toThrow(/^no verdict: .* in or right after a gap \(kube-apiserver down \d+\.\ds-\d+\.\ds\)/);
  });

  it('a timed step on a cluster timestamp still measures across the gap', async () => {
    const view = new FakeClusterView({ pods: [pod('p', { phase: 'Running', conditions: { Ready: ['True', 12] } })] });
    const ctx = contextWith(view);
    closedGap(view.timeline);
    const step = expectStep.schema.parse({ since: 'start:p/c', within: '1s', expect: { pod: 'p', conditions: { Ready: 'True' } }, between: ['10s', '13s'] });
    expect((await expectStep.run(ctx, step)).measured).toMatchObject({ seconds: 11 });
  });

  it('a holds step during a gap gives no verdict', async () => {
    const view = new FakeClusterView({ pods: [pod('p', { phase: 'Running' })] });
    const ctx = contextWith(view);
    const gap = view.timeline.startGap('kubelet of n1', 'kubelet of n1 down', STATUS_BACKLOG_MS, 'stopping');
    const step = holdsStep.schema.parse({ holds: { pod: 'p', phase: 'Running' }, for: '0.3s' });
    await expect(holdsStep.run(ctx, step)).rejects.toThrow(/^no verdict: held as far as was seen, but part of the time nobody saw \(kubelet of n1 down \d+\.\ds-on\)/);
    view.timeline.endGap(gap, 'kubelet of n1', 'healthy again');
  });
});

describe('a container that cannot start', () => {
  const stuck = (reason: string, message: string) =>
    new FakeClusterView({ pods: [pod('p', { phase: 'Pending', containers: [container('c', { state: { waiting: { reason, message } }, image: 'probe-conformance/x:1' })] })] });

  it('ErrImageNeverPull fails a waiting step at once, in one line with the fix', async () => {
    const view = stuck('ErrImageNeverPull', 'Container image "probe-conformance/x:1" is not present with pull policy of Never');
    const started = Date.now();
    await expect(eventually(view, [{ pod: 'p', conditions: { Ready: 'True' } }], 60_000)).rejects.toThrow(
      /^pod p container c cannot start: ErrImageNeverPull: Container image "probe-conformance\/x:1" is not present with pull policy of Never \(the image is not in the node's runtime/,
    );
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('a failing pull may still succeed: it is named only when the step times out', async () => {
    const view = stuck('ImagePullBackOff', 'Back-off pulling image "x"');
    expect(cannotStart(view)).toBeUndefined();
    await expect(eventually(view, [{ pod: 'p', conditions: { Ready: 'True' } }], 300)).rejects.toThrow(/^not true within 0\.3s: .*; pod p container c cannot start: ImagePullBackOff/);
  });

  it('a step about the waiting reason itself is not cut short', async () => {
    const view = stuck('ErrImageNeverPull', 'not present');
    await expect(eventually(view, [{ pod: 'p', containers: { c: { waitingReason: 'ErrImageNeverPull' } } }], 1_000)).resolves.toMatchObject({ atFirstCheck: true });
  });
});

describe('the restart step, checked when the file loads', () => {
  const check = (restart: Record<string, unknown>) => restartStep.check!(restartStep.schema.parse({ restart }), { dir: '.', repoRoot: '.', at: 'steps[2]', earlierNames: new Set() });
  it('a kubelet restart names a pod; the API server takes none; downFor is a time', () => {
    expect(check({ component: 'kubelet' })).toEqual(['steps[2].restart.of: a kubelet restart names a pod of the scenario (its node\'s kubelet restarts)']);
    expect(check({ component: 'kube-apiserver', of: 'p' })).toEqual(['steps[2].restart.of: the API server is not a node\'s; leave "of" out']);
    expect(check({ component: 'kube-apiserver', downFor: 'liveness[c].periodSecs' })[0]).toMatch(/^steps\[2\]\.restart\.downFor: /);
    expect(check({ component: 'kubelet', of: 'p', downFor: '5s' })).toEqual([]);
  });
});
