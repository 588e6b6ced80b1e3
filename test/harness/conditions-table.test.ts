import { describe, expect, it } from '@jest/globals';
import { checkAll, checkCondition } from '../../harness/engine/expect/conditions.js';
import { ExpectationFailed, eventually, holdsFor } from '../../harness/engine/expect/wait.js';
import { Condition as ConditionSchema, type Condition } from '../../harness/engine/scenario/schema.js';
import { FakeClusterView, container, event, pod, running, slice, terminated, time, waiting } from './fake-cluster-view.js';

// Table-driven tests of harness/engine/expect/conditions.ts against a fake ClusterView. Each row is one
// condition checked (through checkAll, as the steps do) against one view: whether it holds, the
// cluster timestamp `at` checkAll reports (undefined unless the row says otherwise), and for a
// mismatch a piece of `observed` that names the failing field. The rows are chosen so that taking
// any single comparison out of conditions.ts turns at least one of them red.

interface Row {
  name: string;
  view: () => FakeClusterView;
  when: Condition;
  ok: boolean;
  /** Expected checkAll().at: seconds after T0 (see fake-cluster-view.ts), or undefined. */
  at?: number;
  /** A substring `observed` must contain. */
  observed?: string;
}

function run(rows: Row[]): void {
  it.each(rows)('$name', (row) => {
    expect(() => ConditionSchema.parse(row.when)).not.toThrow(); // the table only uses valid conditions
    const view = row.view();
    const single = checkCondition(row.when, view);
    const all = checkAll([row.when], view);
    expect({ ok: all.ok, at: all.at }).toEqual({ ok: row.ok, at: row.at === undefined ? undefined : time(row.at).getTime() });
    expect(all.at === undefined || Number.isFinite(all.at)).toBe(true);
    expect(single.ok).toBe(row.ok);
    expect(all.observed).toBe(single.observed);
    if (row.observed !== undefined) expect(all.observed).toContain(row.observed);
  });
}

// --- pods -----------------------------------------------------------------------------------

/** Pod p: Running, two conditions with transition times, two containers and an init container. */
/** A container ID as the runtime gives it (64 hex digits); the last 12 are the digit d. */
const cid = (d: string) => `containerd://${'f'.repeat(52)}${d.repeat(12)}`;

/** A pod whose sidecar (restartable init container) was restarted: a new container ID. */
function sidecarView(): FakeClusterView {
  const at = (id: string, restarts: number) =>
    pod('s', { phase: 'Running', initContainers: [container('sidecar', { containerID: cid(id), started: true, restartCount: restarts, state: running })], containers: [container('main', { containerID: cid('9'), state: running })] });
  const view = new FakeClusterView({ pods: [at('3', 0)] });
  view.putPod(at('4', 1));
  return view;
}

/** A pod restarted once whose previous container the runtime no longer had: no lastState (the kubelet GC race). */
function lostLastStateView(): FakeClusterView {
  return new FakeClusterView({ pods: [pod('g', { phase: 'Running', containers: [container('app', { containerID: cid('3'), started: true, restartCount: 1, state: running })] })] });
}

function podView(): FakeClusterView {
  const v1 = pod('p', {
    phase: 'Running',
    podIP: '10.1.0.5',
    conditions: { Ready: ['False', 5], ContainersReady: ['True', 7], PodScheduled: ['True', 0] },
    containers: [
      container('app', { containerID: cid('1'), ready: false, started: true, restartCount: 1, state: running }),
      container('side', { containerID: cid('5'), ready: false, started: false, restartCount: 0, state: waiting('ContainerCreating') }),
    ],
    initContainers: [container('init', { containerID: cid('7'), state: terminated('Completed', 0) })],
  });
  const v2 = pod('p', {
    phase: 'Running',
    podIP: '10.1.0.5',
    conditions: { Ready: ['False', 5], ContainersReady: ['True', 7], PodScheduled: ['True', 0] },
    containers: [
      // app was restarted: a new container ID, restartCount 2, last run killed with 137
      container('app', { containerID: cid('2'), ready: true, started: true, restartCount: 2, state: running, lastState: terminated('Error', 137) }),
      container('side', { containerID: cid('5'), ready: false, started: false, restartCount: 0, state: waiting('CrashLoopBackOff'), lastState: terminated('Completed', 0) }),
    ],
    initContainers: [container('init', { containerID: cid('7'), state: terminated('Completed', 0) })],
  });
  const view = new FakeClusterView({ pods: [v1] });
  view.putPod(v2);
  return view;
}

function gonePodView(): FakeClusterView {
  const view = new FakeClusterView({ pods: [pod('p', { phase: 'Running', podIP: '10.1.0.5' })] });
  view.deletePod('p'); // still in lastSeenPods
  return view;
}

function ipView(first: string | undefined, now: string | undefined): FakeClusterView {
  const view = new FakeClusterView({ pods: [pod('p', { phase: 'Running', ...(first ? { podIP: first } : {}), conditions: { Ready: ['True', 3] } })] });
  view.putPod(pod('p', { phase: 'Running', ...(now ? { podIP: now } : {}), conditions: { Ready: ['True', 3] } }));
  return view;
}

/** app has no container ID (yet) though one was seen before; solo has an ID but none was recorded first. */
function idView(): FakeClusterView {
  const view = new FakeClusterView({ pods: [pod('p', { containers: [container('app', { containerID: cid('1') })] })] });
  view.putPod(pod('p', { containers: [container('app', { state: waiting('ContainerCreating') }), container('solo', { containerID: cid('9') })] }));
  view.firstSeen.delete('p/solo');
  return view;
}

describe('pod: exists', () => {
  run([
    { name: 'exists:false holds when the pod was never there', view: () => new FakeClusterView(), when: { pod: 'p', exists: false }, ok: true, observed: 'pod p is gone' },
    { name: 'exists:false holds when the pod was deleted (lastSeenPods still has it)', view: gonePodView, when: { pod: 'p', exists: false }, ok: true, observed: 'pod p is gone' },
    { name: 'exists:false fails while the pod exists', view: podView, when: { pod: 'p', exists: false }, ok: false, observed: 'pod p still exists' },
    { name: 'exists:true holds for a pod that is there', view: podView, when: { pod: 'p', exists: true }, ok: true, observed: 'pod p: exists' },
    { name: 'exists:true fails for a deleted pod', view: gonePodView, when: { pod: 'p', exists: true }, ok: false, observed: 'pod p not found' },
    { name: 'any field fails (not throws) for a deleted pod', view: gonePodView, when: { pod: 'p', phase: 'Running' }, ok: false, observed: 'pod p not found' },
    { name: 'exists:false ignores the other fields', view: () => new FakeClusterView(), when: { pod: 'p', exists: false, phase: 'Running' }, ok: true },
  ]);
});

describe('pod: phase', () => {
  run([
    { name: 'phase literal matches', view: podView, when: { pod: 'p', phase: 'Running' }, ok: true, observed: 'phase="Running"' },
    { name: 'phase oneOf matches', view: podView, when: { pod: 'p', phase: { oneOf: ['Pending', 'Running'] } }, ok: true },
    { name: 'phase mismatch names the field', view: podView, when: { pod: 'p', phase: 'Succeeded' }, ok: false, observed: 'phase is "Running", want "Succeeded"' },
    { name: 'phase has no cluster time, so a condition next to it gives no at', view: podView, when: { pod: 'p', phase: 'Running', conditions: { ContainersReady: 'True' } }, ok: true },
  ]);
});

describe('pod: sameIP', () => {
  run([
    { name: 'sameIP:true while the IP is the first one seen', view: () => ipView('10.1.0.5', '10.1.0.5'), when: { pod: 'p', sameIP: true }, ok: true },
    { name: 'sameIP:true fails once the IP changed', view: () => ipView('10.1.0.5', '10.1.0.9'), when: { pod: 'p', sameIP: true }, ok: false, observed: 'podIP (first 10.1.0.5) is false, want true' },
    { name: 'sameIP:false holds once the IP changed', view: () => ipView('10.1.0.5', '10.1.0.9'), when: { pod: 'p', sameIP: false }, ok: true },
    { name: 'sameIP:false fails while the IP is the first one', view: () => ipView('10.1.0.5', '10.1.0.5'), when: { pod: 'p', sameIP: false }, ok: false, observed: 'podIP' },
    { name: 'sameIP:true fails before the pod has an IP', view: () => ipView(undefined, undefined), when: { pod: 'p', sameIP: true }, ok: false, observed: 'podIP (first undefined)' },
    { name: 'sameIP has no cluster time, so a condition next to it gives no at', view: () => ipView('10.1.0.5', '10.1.0.5'), when: { pod: 'p', sameIP: true, conditions: { Ready: 'True' } }, ok: true },
  ]);
});

describe('pod: conditions', () => {
  run([
    { name: 'condition status matches; at is its lastTransitionTime', view: podView, when: { pod: 'p', conditions: { ContainersReady: 'True' } }, ok: true, at: 7, observed: 'condition ContainersReady="True"' },
    { name: 'condition is looked up by type (not the first one)', view: podView, when: { pod: 'p', conditions: { PodScheduled: 'True' } }, ok: true, at: 0 },
    { name: 'condition mismatch names the type', view: podView, when: { pod: 'p', conditions: { Ready: 'True' } }, ok: false, observed: 'condition Ready is "False", want "True"' },
    { name: 'a condition the pod does not have fails', view: podView, when: { pod: 'p', conditions: { Initialized: 'True' } }, ok: false, observed: 'condition Initialized is undefined' },
    { name: 'several conditions: at is the latest transition', view: podView, when: { pod: 'p', conditions: { Ready: 'False', PodScheduled: 'True', ContainersReady: 'True' } }, ok: true, at: 7 },
    { name: 'several conditions: one mismatch fails them', view: podView, when: { pod: 'p', conditions: { ContainersReady: 'True', PodScheduled: 'False' } }, ok: false, observed: 'condition PodScheduled is "True", want "False"' },
    { name: 'a container field next to a condition gives no at', view: podView, when: { pod: 'p', conditions: { ContainersReady: 'True' }, containers: { app: { ready: true } } }, ok: true },
    {
      name: 'a condition with an unparsable lastTransitionTime gives no at',
      view: () => new FakeClusterView({ pods: [pod('p', { conditions: { Ready: 'True' } })] }).with((v) => (v.pods.get('p')!.status!.conditions![0]!.lastTransitionTime = new Date('not a time'))),
      when: { pod: 'p', conditions: { Ready: 'True' } },
      ok: true,
    },
    {
      // the client gives Dates; a raw API object (string timestamp) is read the same way
      name: 'a condition with a string lastTransitionTime gives that time',
      view: () =>
        new FakeClusterView({ pods: [pod('p', { conditions: { Ready: 'True' } })] }).with(
          (v) => (v.pods.get('p')!.status!.conditions![0]!.lastTransitionTime = time(4).toISOString() as unknown as Date),
        ),
      when: { pod: 'p', conditions: { Ready: 'True' } },
      ok: true,
      at: 4,
    },
    {
      name: 'a condition without lastTransitionTime gives no at',
      view: () => new FakeClusterView({ pods: [pod('p', { conditions: { Ready: 'True' } })] }),
      when: { pod: 'p', conditions: { Ready: 'True' } },
      ok: true,
    },
  ]);
});

describe('pod: containers', () => {
  run([
    // container lookup
    { name: 'the container is looked up by name (second one)', view: podView, when: { pod: 'p', containers: { side: { restartCount: 0 } } }, ok: true, observed: 'side.restartCount=0' },
    { name: 'init containers are looked up too', view: podView, when: { pod: 'p', containers: { init: { state: 'terminated' } } }, ok: true },
    { name: 'a container without status fails', view: podView, when: { pod: 'p', containers: { nope: {} } }, ok: false, observed: 'container nope has no status yet' },
    // ready
    { name: 'ready:true matches', view: podView, when: { pod: 'p', containers: { app: { ready: true } } }, ok: true, observed: 'app.ready=true' },
    { name: 'ready:false matches', view: podView, when: { pod: 'p', containers: { side: { ready: false } } }, ok: true },
    { name: 'ready mismatch names the field', view: podView, when: { pod: 'p', containers: { side: { ready: true } } }, ok: false, observed: 'side.ready is false, want true' },
    // started
    { name: 'started:true matches', view: podView, when: { pod: 'p', containers: { app: { started: true } } }, ok: true },
    { name: 'started mismatch names the field', view: podView, when: { pod: 'p', containers: { side: { started: true } } }, ok: false, observed: 'side.started is false, want true' },
    // restartCount
    { name: 'restartCount literal matches', view: podView, when: { pod: 'p', containers: { app: { restartCount: 2 } } }, ok: true },
    { name: 'restartCount gte matches', view: podView, when: { pod: 'p', containers: { app: { restartCount: { gte: 2 } } } }, ok: true },
    { name: 'restartCount mismatch names the field', view: podView, when: { pod: 'p', containers: { app: { restartCount: { gte: 3 } } } }, ok: false, observed: 'app.restartCount is 2, want >= 3' },
    // state
    { name: 'state running matches', view: podView, when: { pod: 'p', containers: { app: { state: 'running' } } }, ok: true },
    { name: 'state waiting matches', view: podView, when: { pod: 'p', containers: { side: { state: 'waiting' } } }, ok: true },
    { name: 'state terminated matches', view: podView, when: { pod: 'p', containers: { init: { state: 'terminated' } } }, ok: true },
    { name: 'state mismatch (running, want waiting) names the field', view: podView, when: { pod: 'p', containers: { app: { state: 'waiting' } } }, ok: false, observed: 'app.state is "running", want "waiting"' },
    { name: 'state mismatch (waiting, want running)', view: podView, when: { pod: 'p', containers: { side: { state: 'running' } } }, ok: false, observed: 'side.state is "waiting"' },
    { name: 'state mismatch (terminated, want running)', view: podView, when: { pod: 'p', containers: { init: { state: 'running' } } }, ok: false, observed: 'init.state is "terminated"' },
    {
      name: 'a container with no state yet fails a state',
      view: () => new FakeClusterView({ pods: [pod('p', { containers: [container('c')] })] }),
      when: { pod: 'p', containers: { c: { state: 'waiting' } } },
      ok: false,
      observed: 'c.state is undefined',
    },
    // waitingReason
    { name: 'waitingReason matches', view: podView, when: { pod: 'p', containers: { side: { waitingReason: 'CrashLoopBackOff' } } }, ok: true },
    { name: 'waitingReason mismatch names the field', view: podView, when: { pod: 'p', containers: { side: { waitingReason: 'ErrImagePull' } } }, ok: false, observed: 'side.waitingReason is "CrashLoopBackOff", want "ErrImagePull"' },
    { name: 'waitingReason of a running container is undefined', view: podView, when: { pod: 'p', containers: { app: { waitingReason: { contains: 'Back' } } } }, ok: false, observed: 'app.waitingReason is undefined' },
    // terminated (the current state)
    { name: 'terminated.reason and exitCode of an ended container match', view: podView, when: { pod: 'p', containers: { init: { terminated: { reason: 'Completed', exitCode: 0 } } } }, ok: true },
    { name: 'terminated.exitCode mismatch names the field', view: podView, when: { pod: 'p', containers: { init: { terminated: { exitCode: 137 } } } }, ok: false, observed: 'init.terminated.exitCode is 0, want 137' },
    { name: 'terminated on a running container is not its lastState', view: podView, when: { pod: 'p', containers: { app: { terminated: { exitCode: 137 } } } }, ok: false, observed: 'app.terminated.exitCode is undefined, want 137' },
    // lastTerminated
    { name: 'lastTerminated.reason matches', view: podView, when: { pod: 'p', containers: { app: { lastTerminated: { reason: 'Error' } } } }, ok: true },
    { name: 'lastTerminated.reason mismatch names the field', view: podView, when: { pod: 'p', containers: { app: { lastTerminated: { reason: 'OOMKilled' } } } }, ok: false, observed: 'app.lastTerminated.reason is "Error", want "OOMKilled"' },
    { name: 'lastTerminated.exitCode matches', view: podView, when: { pod: 'p', containers: { app: { lastTerminated: { exitCode: 137 } } } }, ok: true },
    { name: 'lastTerminated.exitCode 0 matches', view: podView, when: { pod: 'p', containers: { side: { lastTerminated: { exitCode: 0 } } } }, ok: true },
    { name: 'lastTerminated.exitCode mismatch names the field', view: podView, when: { pod: 'p', containers: { app: { lastTerminated: { exitCode: 1 } } } }, ok: false, observed: 'app.lastTerminated.exitCode is 137, want 1' },
    { name: 'lastTerminated on a restart without lastState names the kubelet GC race', view: lostLastStateView, when: { pod: 'g', containers: { app: { lastTerminated: { exitCode: 137 } } } }, ok: false, observed: 'app restarted 1x but has no lastState: the runtime no longer had the previous container (kubelet container GC race, docs/kubelet-gc-race.md)' },
    { name: 'lastTerminated both fields, one wrong', view: podView, when: { pod: 'p', containers: { app: { lastTerminated: { reason: 'Error', exitCode: 143 } } } }, ok: false, observed: 'exitCode is 137' },
    // idChanged
    { name: 'idChanged:true after a restart', view: podView, when: { pod: 'p', containers: { app: { idChanged: true } } }, ok: true },
    { name: 'idChanged:false fails after a restart', view: podView, when: { pod: 'p', containers: { app: { idChanged: false } } }, ok: false, observed: 'app.idChanged (first 111111111111, now 222222222222) is true, want false' },
    { name: 'idChanged:false holds for the same container', view: podView, when: { pod: 'p', containers: { side: { idChanged: false } } }, ok: true },
    { name: 'idChanged:true for a restarted sidecar (an init container with restartPolicy Always)', view: sidecarView, when: { pod: 's', containers: { sidecar: { idChanged: true } } }, ok: true },
    { name: 'idChanged:false fails for a restarted sidecar', view: sidecarView, when: { pod: 's', containers: { sidecar: { idChanged: false } } }, ok: false, observed: 'sidecar.idChanged' },
    { name: 'idChanged:true fails for the same container', view: podView, when: { pod: 'p', containers: { side: { idChanged: true } } }, ok: false, observed: 'side.idChanged' },
    { name: 'idChanged:true fails while the new container has no ID yet', view: idView, when: { pod: 'p', containers: { app: { idChanged: true } } }, ok: false, observed: 'app.idChanged' },
    { name: 'idChanged:true fails when no first ID was recorded', view: idView, when: { pod: 'p', containers: { solo: { idChanged: true } } }, ok: false, observed: 'solo.idChanged (first undefined' },
    // several fields at once
    {
      name: 'every failing field is named',
      view: podView,
      when: { pod: 'p', phase: 'Pending', containers: { app: { ready: false, restartCount: 0 } } },
      ok: false,
      observed: 'pod p: phase is "Running", want "Pending"; app.ready is true, want false; app.restartCount is 2, want 0',
    },
  ]);
});

// --- events ---------------------------------------------------------------------------------

function eventView(): FakeClusterView {
  return new FakeClusterView({
    events: [
      event({ reason: 'Unhealthy', on: 'p', container: 'app', message: 'Liveness probe failed: boom\n', count: 3, firstTimestamp: 10, lastTimestamp: 20 }),
      event({ reason: 'Unhealthy', on: 'p', container: 'side', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503', count: 2, firstTimestamp: 11, lastTimestamp: 15 }),
      event({ reason: 'Killing', on: 'p', container: 'app', message: 'Container app failed liveness probe, will be restarted', firstTimestamp: 21, lastTimestamp: 21 }),
      event({ reason: 'Unhealthy', on: 'q', container: 'app', message: 'Liveness probe failed: other pod', count: 1, lastTimestamp: 30 }),
      event({ reason: 'Rebooted', kind: 'Node', on: 'p', message: 'Node p has been rebooted', lastTimestamp: 40 }),
      event({ reason: 'Pulling', on: 'p', container: 'app', message: 'Pulling image "app:1"', firstTimestamp: 8 }),
      event({ reason: 'Scheduled', on: 'p', message: 'Successfully assigned ns/p to node-1', eventTime: 9 }),
      event({ reason: 'FailedScheduling', on: 'r', message: '0/1 nodes are available', eventTime: 30, series: { count: 4 } }),
      event({ reason: 'BackOff', on: 'p', fieldPath: 'spec.initContainers{init}', message: 'Back-off restarting failed container init' }),
    ],
  });
}

describe('event', () => {
  run([
    // reason
    { name: 'reason matches; at is lastTimestamp', view: eventView, when: { event: { reason: 'Killing' } }, ok: true, at: 21, observed: 'event "Killing": seen 1x, e.g. "Container app failed' },
    { name: 'reason matcher (regex)', view: eventView, when: { event: { reason: { matches: '^Kill' }, pod: 'p' } }, ok: true, at: 21 },
    { name: 'reason not seen: observed says 0x, want >= 1', view: eventView, when: { event: { reason: 'Started' } }, ok: false, observed: 'event "Started": seen 0x, want >= 1' },
    // message
    { name: 'message literal matches after trailing whitespace is trimmed', view: eventView, when: { event: { reason: 'Unhealthy', message: 'Liveness probe failed: boom' } }, ok: true, at: 20 },
    { name: 'message contains', view: eventView, when: { event: { reason: 'Unhealthy', message: { contains: 'statuscode: 503' } } }, ok: true, at: 15 },
    { name: 'message regex anchored at the end sees the trimmed text', view: eventView, when: { event: { reason: 'Unhealthy', message: { matches: 'boom$' }, count: 3 } }, ok: true, at: 20 },
    { name: 'message selects: count is only that message\'s', view: eventView, when: { event: { reason: 'Unhealthy', message: { contains: 'Liveness' }, pod: 'p', count: 3 } }, ok: true, at: 20 },
    {
      name: 'message mismatch lists the messages with that reason',
      view: eventView,
      when: { event: { reason: 'Killing', message: 'nope' } },
      ok: false,
      observed: 'event "Killing" "nope": seen 0x, want >= 1; events with that reason: "Container app failed liveness probe, will be restarted"',
    },
    // pod
    { name: 'pod selects by involvedObject.name', view: eventView, when: { event: { reason: 'Unhealthy', pod: 'q' } }, ok: true, at: 30, observed: 'on q: seen 1x' },
    { name: 'pod: count of that pod only', view: eventView, when: { event: { reason: 'Unhealthy', pod: 'p', count: 5 } }, ok: true, at: 20 },
    { name: 'pod not involved fails', view: eventView, when: { event: { reason: 'Killing', pod: 'q' } }, ok: false, observed: 'event "Killing" on q: seen 0x' },
    { name: 'pod: only involvedObject.kind Pod counts', view: eventView, when: { event: { reason: 'Rebooted', pod: 'p' } }, ok: false, observed: 'seen 0x' },
    // container
    { name: 'container from involvedObject.fieldPath', view: eventView, when: { event: { reason: 'Unhealthy', pod: 'p', container: 'side', count: 2 } }, ok: true, at: 15, observed: 'on p/side: seen 2x' },
    { name: 'container of an init container fieldPath', view: eventView, when: { event: { reason: 'BackOff', container: 'init' } }, ok: true },
    { name: 'container not involved fails', view: eventView, when: { event: { reason: 'Killing', container: 'side' } }, ok: false, observed: 'event "Killing"/side: seen 0x' },
    // count
    { name: 'count sums the events\' counts', view: eventView, when: { event: { reason: 'Unhealthy', count: 6 } }, ok: true, at: 30 },
    { name: 'count sum mismatch', view: eventView, when: { event: { reason: 'Unhealthy', count: { gte: 7 } } }, ok: false, observed: 'seen 6x, want >= 7' },
    { name: 'count: an event without count counts once', view: eventView, when: { event: { reason: 'Killing', count: 1 } }, ok: true, at: 21 },
    { name: 'count: series.count when count is absent', view: eventView, when: { event: { reason: 'FailedScheduling', count: 4 } }, ok: true, at: 30 },
    { name: 'count: 0 holds when there is none', view: eventView, when: { event: { reason: 'Started', count: 0 } }, ok: true },
    { name: 'count: 0 fails when there is one', view: eventView, when: { event: { reason: 'Killing', count: 0 } }, ok: false, observed: 'seen 1x, want 0' },
    { name: 'count lte', view: eventView, when: { event: { reason: 'Unhealthy', pod: 'p', count: { lte: 4 } } }, ok: false, observed: 'seen 5x, want <= 4' },
    // at
    { name: 'at falls back to eventTime', view: eventView, when: { event: { reason: 'Scheduled' } }, ok: true, at: 9 },
    { name: 'at falls back to firstTimestamp', view: eventView, when: { event: { reason: 'Pulling' } }, ok: true, at: 8 },
    { name: 'at is absent when an event has no timestamp', view: eventView, when: { event: { reason: 'BackOff' } }, ok: true },
    { name: 'at is the latest of the matching events', view: eventView, when: { event: { reason: 'Unhealthy', pod: 'p' } }, ok: true, at: 20 },
  ]);

  // events.k8s.io-style Events seen through core/v1 (eventTime + series, no lastTimestamp).
  it('at of a repeated series event is its last occurrence (series.lastObservedTime)', () => {
    const view = new FakeClusterView({
      events: [event({ reason: 'FailedScheduling', on: 'r', message: '0/1 nodes are available', eventTime: 30, series: { count: 4, lastObservedTime: 42 } })],
    });
    const check = checkAll([{ event: { reason: 'FailedScheduling', count: 4 } }], view);
    expect(check.ok).toBe(true);
    expect(check.at).toBe(time(42).getTime());
  });
});

// --- endpoints ------------------------------------------------------------------------------

function endpointView(): FakeClusterView {
  return new FakeClusterView({
    slices: [
      slice('web-a', 'web', [80], [
        { pod: 'p', ready: true, serving: true, terminating: false },
        { pod: 'q', ready: false, serving: false, terminating: false },
        { pod: 't', ready: false, serving: true, terminating: true },
      ]),
      slice('web-b', 'web', [9090], [{ pod: 'm', ready: true, serving: true, terminating: false }]),
      slice('other-a', 'other', [80], [{ pod: 'r', ready: true, serving: true, terminating: false }]),
      // the same pod in two slices of one Service (e.g. two address families), disagreeing
      slice('dual-4', 'dual', [80], [{ pod: 'p', ready: true, serving: true, terminating: false }]),
      slice('dual-6', 'dual', [80], [{ pod: 'p', ready: false, serving: false, terminating: false }]),
    ],
  });
}

describe('endpoint', () => {
  run([
    // service and pod
    { name: 'listed endpoint, no conditions asked', view: endpointView, when: { endpoint: { service: 'web', pod: 'p' } }, ok: true, observed: 'endpoint of p in Service web: ready=true serving=true terminating=false (slice ports p0:80)' },
    { name: 'service selects by the kubernetes.io/service-name label', view: endpointView, when: { endpoint: { service: 'web', pod: 'r' } }, ok: false, observed: 'endpoint of r in Service web not listed (2 slice(s) for the Service)' },
    { name: 'service: the pod in its own Service', view: endpointView, when: { endpoint: { service: 'other', pod: 'r', ready: true } }, ok: true },
    { name: 'pod selects by targetRef.name', view: endpointView, when: { endpoint: { service: 'web', pod: 'zzz' } }, ok: false, observed: 'not listed' },
    // ports
    { name: 'ports listed with the endpoint', view: endpointView, when: { endpoint: { service: 'web', pod: 'p', ports: [80] } }, ok: true, observed: 'ports 80' },
    { name: 'ports: a port the endpoint\'s slice lacks', view: endpointView, when: { endpoint: { service: 'web', pod: 'p', ports: [9090] } }, ok: false, observed: 'endpoint of p in Service web ports 9090 not listed' },
    { name: 'ports: every port must be listed', view: endpointView, when: { endpoint: { service: 'web', pod: 'p', ports: [80, 9090] } }, ok: false, observed: 'not listed' },
    // ready / serving / terminating
    { name: 'ready:true matches', view: endpointView, when: { endpoint: { service: 'web', pod: 'p', ready: true } }, ok: true },
    { name: 'ready mismatch names the field', view: endpointView, when: { endpoint: { service: 'web', pod: 'q', ready: true } }, ok: false, observed: 'endpoint of q in Service web: ready is false, want true' },
    { name: 'serving:false matches', view: endpointView, when: { endpoint: { service: 'web', pod: 'q', serving: false } }, ok: true },
    { name: 'serving mismatch names the field', view: endpointView, when: { endpoint: { service: 'web', pod: 'q', serving: true } }, ok: false, observed: 'serving is false, want true' },
    { name: 'terminating:true matches', view: endpointView, when: { endpoint: { service: 'web', pod: 't', ready: false, serving: true, terminating: true } }, ok: true },
    { name: 'terminating mismatch names the field', view: endpointView, when: { endpoint: { service: 'web', pod: 't', terminating: false } }, ok: false, observed: 'terminating is true, want false' },
    { name: 'every slice listing the pod must agree', view: endpointView, when: { endpoint: { service: 'dual', pod: 'p', ready: true } }, ok: false, observed: 'ready is false, want true' },
    // present
    { name: 'present:false holds for a pod not listed', view: endpointView, when: { endpoint: { service: 'web', pod: 'zzz', present: false } }, ok: true, observed: 'endpoint of zzz in Service web is not listed' },
    { name: 'present:false holds when listed only in another Service', view: endpointView, when: { endpoint: { service: 'web', pod: 'r', present: false } }, ok: true },
    { name: 'present:false with ports: listed, but not with those ports', view: endpointView, when: { endpoint: { service: 'web', pod: 'p', ports: [9090], present: false } }, ok: true },
    { name: 'present:false fails while listed', view: endpointView, when: { endpoint: { service: 'web', pod: 'p', present: false } }, ok: false, observed: 'endpoint of p in Service web is still listed' },
    { name: 'present:true fails when not listed', view: endpointView, when: { endpoint: { service: 'web', pod: 'zzz', present: true } }, ok: false, observed: 'not listed' },
  ]);
});

// --- checkAll -------------------------------------------------------------------------------

describe('checkAll', () => {
  const view = () => {
    const v = podView();
    for (const e of eventView().events) v.addEvent(e);
    for (const s of endpointView().slices) v.putSlice(s);
    return v;
  };

  it('holds when every condition holds; at is the latest cluster time of them', () => {
    const check = checkAll([{ pod: 'p', conditions: { ContainersReady: 'True' } }, { event: { reason: 'Killing' } }, { event: { reason: 'Pulling' } }], view());
    expect(check).toEqual({ ok: true, observed: expect.stringContaining('condition ContainersReady="True"; event "Killing"'), at: time(21).getTime() });
  });

  it('fails when one condition fails, naming it, with no at', () => {
    const check = checkAll([{ event: { reason: 'Killing' } }, { pod: 'p', phase: 'Pending' }], view());
    expect(check.ok).toBe(false);
    expect(check.at).toBeUndefined();
    expect(check.observed).toContain('event "Killing": seen 1x');
    expect(check.observed).toContain('phase is "Running", want "Pending"');
  });

  it('gives no at when one condition has no cluster time (an endpoint)', () => {
    const check = checkAll([{ event: { reason: 'Killing' } }, { endpoint: { service: 'web', pod: 'p', ready: true } }], view());
    expect(check.ok).toBe(true);
    expect(check.at).toBeUndefined();
  });

  it('no conditions: holds, no at', () => {
    expect(checkAll([], view())).toEqual({ ok: true, observed: '' });
  });
});

// --- eventually / holdsFor --------------------------------------------------------------------

const pending = () => pod('p', { phase: 'Pending', podIP: '10.1.0.5', conditions: { Ready: ['False', 1] } });
const ready = () => pod('p', { phase: 'Running', podIP: '10.1.0.5', conditions: { Ready: ['True', 12] } });
const after = (ms: number, fn: () => void) => setTimeout(fn, ms);
/** Each wait test ends within a second; a wait that never ends fails here, not at Jest's 15 min. */
const WAIT_TEST_MS = 3_000;

describe('eventually', () => {
  it('resolves at the first check when the conditions already hold', async () => {
    const view = new FakeClusterView({ pods: [ready()] });
    const held = await eventually(view, [{ pod: 'p', conditions: { Ready: 'True' } }], 1_000);
    expect(held).toMatchObject({ atFirstCheck: true, at: time(12).getTime(), observed: 'pod p: condition Ready="True"' });
  }, WAIT_TEST_MS);

  it('resolves as soon as a pod change makes them true (not at the next tick)', async () => {
    const view = new FakeClusterView({ pods: [pending()] });
    const started = Date.now();
    after(20, () => view.putPod(ready()));
    const held = await eventually(view, [{ pod: 'p', phase: 'Running', conditions: { Ready: 'True' } }], 2_000);
    expect(Date.now() - started).toBeLessThan(200); // the 250 ms tick would be later: the timeline change drove it
    expect(held.atFirstCheck).toBe(false);
    expect(held.t).toBeGreaterThanOrEqual(15);
    expect(held.at).toBeUndefined(); // phase has no cluster time
    expect(held.observed).toBe('pod p: phase="Running", condition Ready="True"');
  }, WAIT_TEST_MS);

  it('resolves when an event arrives, with the event\'s lastTimestamp as at', async () => {
    const view = new FakeClusterView();
    after(10, () => view.addEvent(event({ reason: 'Killing', message: 'x', lastTimestamp: 33 })));
    const held = await eventually(view, [{ event: { reason: 'Killing' } }], 2_000);
    expect(held).toMatchObject({ atFirstCheck: false, at: time(33).getTime() });
  }, WAIT_TEST_MS);

  it('re-checks on any timeline entry: the fake mutated in place, then timeline.add', async () => {
    const view = new FakeClusterView({ slices: [slice('web-a', 'web', [80], [{ pod: 'p', ready: false, serving: true, terminating: false }])] });
    const started = Date.now();
    after(20, () => {
      view.slices[0]!.endpoints[0]!.conditions!.ready = true;
      view.timeline.add('endpoint', 'web/p', 'ready=true');
    });
    const held = await eventually(view, [{ endpoint: { service: 'web', pod: 'p', ready: true } }], 2_000);
    expect(Date.now() - started).toBeLessThan(200);
    expect(held.observed).toContain('ready=true');
  }, WAIT_TEST_MS);

  it('throws ExpectationFailed naming the failing field when the time runs out', async () => {
    const view = new FakeClusterView({ pods: [pending()] });
    after(10, () => view.putPod(pod('p', { phase: 'Pending', podIP: '10.1.0.5' }))); // a change that does not help
    const err = await eventually(view, [{ pod: 'p', phase: 'Running' }], 50).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ExpectationFailed);
    expect((err as ExpectationFailed).message).toMatch(/^not true within 0\.\ds: pod p: phase is "Pending", want "Running"$/);
    expect((err as ExpectationFailed).observed).toBe('pod p: phase is "Pending", want "Running"');
  }, WAIT_TEST_MS);
});

describe('holdsFor', () => {
  it('resolves after the window when the conditions held throughout', async () => {
    const view = new FakeClusterView({ pods: [ready()] });
    after(10, () => view.putPod(ready())); // a change that keeps them true
    const started = Date.now();
    const held = await holdsFor(view, [{ pod: 'p', phase: 'Running' }], 100);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(held.atFirstCheck).toBe(false);
    expect(held.observed).toMatch(/^held for 0\.1s \(\d+ checks\): pod p: phase="Running"$/);
  }, WAIT_TEST_MS);

  it('throws at the first violation, not at the end of the window', async () => {
    const view = new FakeClusterView({ pods: [ready()] });
    const started = Date.now();
    after(20, () => view.putPod(pod('p', { phase: 'Failed', podIP: '10.1.0.5' })));
    after(40, () => view.putPod(ready())); // back to true: too late, it already broke
    const err = await holdsFor(view, [{ pod: 'p', phase: 'Running' }], 5_000).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(200);
    expect(err).toBeInstanceOf(ExpectationFailed);
    expect((err as ExpectationFailed).message).toMatch(/^stopped holding after 0\.\ds of 5\.0s: pod p: phase is "Failed", want "Running"$/);
    expect((err as ExpectationFailed).observed).toBe('pod p: phase is "Failed", want "Running"');
  }, WAIT_TEST_MS);

  it('throws at once when the conditions do not hold at the start', async () => {
    const view = new FakeClusterView({ events: [event({ reason: 'Killing', message: 'x' })] });
    const started = Date.now();
    await expect(holdsFor(view, [{ event: { reason: 'Killing', count: 0 } }], 5_000)).rejects.toThrow('stopped holding after 0.0s of 5.0s: event "Killing": seen 1x, want 0');
    expect(Date.now() - started).toBeLessThan(200);
  }, WAIT_TEST_MS);

  it('a violation by a new event (count: 0 broken) is caught when it arrives', async () => {
    const view = new FakeClusterView();
    after(20, () => view.addEvent(event({ reason: 'Unhealthy', on: 'p', container: 'app', message: 'Liveness probe failed\n' })));
    await expect(holdsFor(view, [{ event: { reason: 'Unhealthy', pod: 'p', count: 0 } }], 5_000)).rejects.toMatchObject({
      observed: 'event "Unhealthy" on p: seen 1x, want 0; events with that reason: "Liveness probe failed"',
    });
  }, WAIT_TEST_MS);
});
