import { describe, expect, it } from '@jest/globals';
import type { ScenarioContext } from '../../harness/engine/scenario/context.js';
import { expectStep } from '../../harness/engine/steps/expect.js';
import { FakeClusterView, pod, time, container, running } from './fake-cluster-view.js';

/** A context for one expect step on a fake view whose facts already happened (at time(s) on the cluster's clock). */
function contextWith(view: FakeClusterView): ScenarioContext {
  view.timeline.add('container', 'p/c', 'running', time(1).toISOString());
  return { view, stepTimes: new Map(), signal: new AbortController().signal, probeLookup: () => undefined } as unknown as ScenarioContext;
}

const timed = (raw: Record<string, unknown>) => expectStep.schema.parse({ since: 'start:p/c', within: '1s', ...raw });

describe('a timed step whose moment already happened', () => {
  it('is measured from the cluster timestamp when its facts carry one', async () => {
    const view = new FakeClusterView({ pods: [pod('p', { phase: 'Running', conditions: { Ready: ['True', 12] } })] });
    const outcome = await expectStep.run(contextWith(view), timed({ expect: { pod: 'p', conditions: { Ready: 'True' } }, between: ['10s', '13s'] }));
    expect(outcome.measured).toMatchObject({ seconds: 11, min: 10, max: 13 });
    expect(outcome.observed).toContain('(cluster timestamps), within [10.0s, 13.0s] after start:p/c');
  });

  it('fails when that timestamp lies outside the window', async () => {
    const view = new FakeClusterView({ pods: [pod('p', { phase: 'Running', conditions: { Ready: ['True', 12] } })] });
    await expect(expectStep.run(contextWith(view), timed({ expect: { pod: 'p', conditions: { Ready: 'True' } }, between: ['2s', '5s'] }))).rejects.toThrow(
      'after start:p/c (cluster timestamps), outside [2.0s, 5.0s] after start:p/c',
    );
  });

  it('is refused when only the watch saw it (no cluster timestamp), naming why', async () => {
    const view = new FakeClusterView({ pods: [pod('p', { phase: 'Running', containers: [container('c', { state: running })] })] });
    await expect(expectStep.run(contextWith(view), timed({ expect: { pod: 'p', containers: { c: { state: 'running' } } }, between: ['0s', '1000s'] }))).rejects.toThrow(
      'these facts carry no cluster timestamp',
    );
  });

  it('anchors a later step by the cluster timestamp when an eventually step finds it already true', async () => {
    const view = new FakeClusterView({ pods: [pod('p', { phase: 'Running', conditions: { Ready: ['True', 12] } })] });
    const ctx = contextWith(view);
    const outcome = await expectStep.run(ctx, expectStep.schema.parse({ expect: { pod: 'p', conditions: { Ready: 'True' } } }));
    expect(outcome.happened).toMatchObject({ source: 'cluster', lo: time(12).getTime() - view.timeline.startedAt });
  });
});
