import { describe, expect, it } from '@jest/globals';
import { Timeline } from '../../harness/engine/observe/timeline.js';
import { containerStart } from '../../harness/engine/steps/expect.js';

describe('since: start:<pod>/<container>', () => {
  it('waits for the container to start when the step comes before it, and measures from its startedAt', async () => {
    const timeline = new Timeline();
    const startedAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 2000).toISOString();
    setTimeout(() => timeline.add('container', 'p/other', 'running', startedAt), 20);
    setTimeout(() => timeline.add('container', 'p/c', 'waiting: ContainerCreating'), 40);
    setTimeout(() => timeline.add('container', 'p/c', 'running', startedAt), 80);
    const t0 = Date.now();
    const m = await containerStart(timeline, 'p/c', 5_000);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(m.source).toBe('cluster');
    expect(m.lo).toBe(Date.parse(startedAt) - timeline.startedAt);
    expect(m.hi - m.lo).toBe(1_000);
  });

  it('is immediate when the container already ran, and fails naming the container after the bound', async () => {
    const timeline = new Timeline();
    const startedAt = new Date().toISOString();
    timeline.add('container', 'p/c', 'running', startedAt);
    await expect(containerStart(timeline, 'p/c', 0)).resolves.toMatchObject({ source: 'cluster' });
    await expect(containerStart(timeline, 'p/never', 100)).rejects.toThrow('since: container p/never was not seen running within 0.1s');
  });
});
