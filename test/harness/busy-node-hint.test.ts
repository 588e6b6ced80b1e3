import { describe, expect, test } from '@jest/globals';
import { busyNodeHint } from '../../harness/engine/report/busy-node-hint.js';
import type { TimelineEntry } from '../../harness/engine/observe/timeline.js';

const event = (subject: string, text: string): TimelineEntry => ({ t: 1000, at: '2026-12-06T00:00:01Z', kind: 'event', subject, text });
const run = { concurrency: 16, cpus: 2 };

describe('a failed run whose probes timed out hints at a busy node', () => {
  test('names the containers whose probes timed out, the concurrency and the CPUs', () => {
    const timeline = [
      event('test2-logs/test2', 'Warning Unhealthy: Liveness probe failed: Get "http://10.244.0.9:8080/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'),
      event('test2-logs/test2', 'Warning Unhealthy: Liveness probe failed: Get "http://10.244.0.9:8080/": context deadline exceeded (x2)'),
      event('anon/worker', 'Warning Unhealthy: Liveness probe failed: command timed out: "/bin/bash -c /probe/probe.sh" timed out after 5s'),
    ];
    expect(busyNodeHint({ passed: false, timeline }, run)).toBe(
      'hint: probes timed out on test2-logs/test2, anon/worker; if they were meant to answer in time, the node may have been too busy (--concurrency 16; this machine has 2 CPUs): rerun with a lower --concurrency',
    );
  });
  test('nothing for a passed run, or for probes that failed with an answer', () => {
    const timeline = [event('p/c', 'Warning Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500'), event('p/c', 'Warning Unhealthy: Liveness probe failed: context deadline exceeded')];
    expect(busyNodeHint({ passed: true, timeline }, run)).toBeUndefined();
    expect(busyNodeHint({ passed: false, timeline: timeline.slice(0, 1) }, run)).toBeUndefined();
  });
});
