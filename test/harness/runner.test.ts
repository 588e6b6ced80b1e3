// runScenario against a fake cluster view and fake nodes: the order of steps, finally steps,
// evidence and undo actions, and what a failure or the scenario timeout changes in it.
import { describe, expect, it } from '@jest/globals';
import { claims, runFake, scheduledPod } from './fake-runner.js';

const dir = '/tmp/pc-${NAMESPACE}';
const read = (file: string) => ({ nodeFile: { pod: 'p1', path: `${dir}/${file}`, expect: { content: 'ok' }, remove: false } });
const node = (of: string, action: 'stop' | 'start') => ({ node: { of, action } });
const waitForever = { expect: { pod: 'never' }, within: '60s' };
const setup = {
  pods: [scheduledPod('p1', 'n1'), scheduledPod('p2', 'n2')],
  files: { 'n1:/tmp/pc-${NAMESPACE}/a': 'ok', 'n1:/tmp/pc-${NAMESPACE}/b': 'ok', 'n1:/tmp/pc-${NAMESPACE}/z': 'ok' },
};
const r = (file: string) => `read n1 ${dir}/${file}`;

interface Case {
  name: string;
  steps: object[];
  finally?: object[];
  timeout?: string;
  passed: boolean;
  error?: RegExp;
  events: string[];
}

const cases: Case[] = [
  {
    name: 'steps run in order, then the finally steps, then the namespace is removed',
    steps: [read('a'), read('b')],
    finally: [read('z')],
    passed: true,
    events: ['create namespace', r('a'), r('b'), r('z'), 'delete namespace'],
  },
  {
    name: 'the first failing step ends the steps; evidence, then finally, then the undo actions last first',
    steps: [node('p1', 'stop'), node('p2', 'stop'), read('missing'), read('a')],
    finally: [read('z')],
    passed: false,
    error: /^step 3 \(nodeFile #3\) failed: file \/tmp\/pc-.*\/missing on node n1: no readable file/,
    events: ['create namespace', 'stop n1', 'stop n2', r('missing'), 'evidence (signal live)', r('z'), 'start n2', 'start n1', 'delete namespace'],
  },
  {
    name: 'a step that undoes an action itself cancels its undo',
    steps: [node('p1', 'stop'), node('p1', 'start'), node('p2', 'stop')],
    passed: true,
    events: ['create namespace', 'stop n1', 'start n1', 'stop n2', 'start n2', 'delete namespace'],
  },
  {
    name: 'the timeout aborts the waiting step; evidence, finally (with a live signal) and the undo actions still run',
    steps: [node('p1', 'stop'), waitForever, read('a')],
    finally: [read('z')],
    timeout: '300ms',
    passed: false,
    error: /^scenario timeout 300ms reached$/,
    events: ['create namespace', 'stop n1', 'evidence (signal aborted)', r('z'), 'start n1', 'delete namespace'],
  },
  {
    name: 'a failing finally step fails a scenario whose steps passed; its evidence comes after the undo actions',
    steps: [node('p1', 'stop'), read('a')],
    finally: [read('missing')],
    passed: false,
    error: /^finally step 1 \(finally nodeFile #1\) failed: /,
    events: ['create namespace', 'stop n1', r('a'), r('missing'), 'start n1', 'evidence (signal live)', 'delete namespace'],
  },
];

describe('runScenario', () => {
  it.each(cases)('$name', async (c) => {
    const t0 = Date.now();
    const { result, events } = await runFake({ title: 't', claims, steps: c.steps, ...(c.finally ? { finally: c.finally } : {}), ...(c.timeout ? { timeout: c.timeout } : {}) }, setup);
    expect(events).toEqual(c.events);
    expect(result.passed).toBe(c.passed);
    if (c.error) expect(result.error).toMatch(c.error);
    else expect(result.error).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('records each step with its kind, phase and claim; the aborted step failed with the timeout', async () => {
    const { result } = await runFake({ title: 't', claims, timeout: '200ms', steps: [read('a'), waitForever], finally: [read('z')] }, setup);
    expect(result.steps.map((s) => [s.kind, s.phase ?? 'steps', s.ok, s.claim])).toEqual([
      ['nodeFile', 'steps', true, 'T0-1'],
      ['expect', 'steps', false, 'T0-1'],
      ['nodeFile', 'finally', true, 'T0-1'],
    ]);
    expect(result.steps[1]!.observed).toBe('scenario timeout 200ms reached');
    expect(result.timeline.filter((e) => e.kind === 'step').map((e) => `${e.subject}: ${e.text.split(':')[0]}`)).toEqual([
      'nodeFile #1: started',
      'nodeFile #1: passed',
      'expect #2: started',
      'expect #2: FAILED',
      'finally nodeFile #1: started',
      'finally nodeFile #1: passed',
    ]);
  });

  it('a failing undo action fails the scenario, and the other undo actions still run', async () => {
    const { result, events } = await runFake({ title: 't', claims, steps: [node('p1', 'stop'), node('p2', 'stop')] }, { ...setup, failing: ['start n2'] });
    expect(events).toEqual(['create namespace', 'stop n1', 'stop n2', 'start n2', 'start n1', 'evidence (signal live)', 'delete namespace']);
    expect(result.passed).toBe(false);
    expect(result.error).toBe('cleanup failed: start node n2 (stopped by this scenario): start n2: permission denied');
  });

  it('keepNamespace leaves the namespace', async () => {
    const { events } = await runFake({ title: 't', claims, steps: [read('a')] }, { ...setup, keepNamespace: true });
    expect(events).toEqual(['create namespace', r('a')]);
  });
});
