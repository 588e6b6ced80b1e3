import type * as k8s from '@kubernetes/client-node';
import { recordFirstSeen, type ClusterView } from '../../harness/engine/observe/recorder.js';
import { Timeline } from '../../harness/engine/observe/timeline.js';

/**
 * A ClusterView made of plain objects, for unit tests of the condition code: no cluster, no
 * informers. Every change made through its methods is announced on the timeline (timeline.add),
 * as the real recorder does, so eventually/holdsFor re-check at once.
 *
 * firstSeen is kept by the recorder's own recordFirstSeen: the first pod IP, and the first
 * container ID of every container, init containers (sidecars) included.
 */
export class FakeClusterView implements ClusterView {
  readonly timeline = new Timeline();
  readonly pods = new Map<string, k8s.V1Pod>();
  readonly lastSeenPods = new Map<string, k8s.V1Pod>();
  readonly firstSeen = new Map<string, string>();
  events: k8s.CoreV1Event[] = [];
  slices: k8s.V1EndpointSlice[] = [];

  constructor(init: { pods?: k8s.V1Pod[]; events?: k8s.CoreV1Event[]; slices?: k8s.V1EndpointSlice[] } = {}) {
    for (const p of init.pods ?? []) this.record(p);
    this.events = [...(init.events ?? [])];
    this.slices = [...(init.slices ?? [])];
  }

  /** The recorder's lifecycle (no informers here): a view for runScenario's unit tests. */
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  private record(pod: k8s.V1Pod): string {
    const name = pod.metadata?.name ?? '?';
    recordFirstSeen(this.firstSeen, pod);
    this.pods.set(name, pod);
    this.lastSeenPods.set(name, pod);
    return name;
  }

  /** Applies an in-place edit (no timeline entry) and returns the view, for building tables. */
  with(edit: (view: this) => unknown): this {
    edit(this);
    return this;
  }

  /** Adds or replaces a pod (a watch add/update). */
  putPod(pod: k8s.V1Pod): void {
    const name = this.record(pod);
    this.timeline.add('pod', name, 'updated (fake)');
  }

  /** The pod is gone from the API; lastSeenPods keeps it, like the recorder. */
  deletePod(name: string): void {
    this.pods.delete(name);
    this.timeline.add('pod', name, 'deleted (fake)');
  }

  addEvent(event: k8s.CoreV1Event): void {
    this.events = [...this.events, event];
    this.timeline.add('event', event.involvedObject.name ?? '?', `${event.reason}: ${event.message} (fake)`);
  }

  /** Adds or replaces (by metadata.name) an EndpointSlice. */
  putSlice(slice: k8s.V1EndpointSlice): void {
    this.slices = [...this.slices.filter((s) => s.metadata?.name !== slice.metadata?.name), slice];
    this.timeline.add('endpoint', slice.metadata?.name ?? '?', 'slice updated (fake)');
  }
}

export const T0 = Date.parse('2025-01-01T10:00:00Z');
/** T0 + s seconds, as the Date the client deserialises timestamps to. */
export function time(s: number): Date {
  return new Date(T0 + s * 1000);
}

export interface PodSpecLite {
  phase?: string;
  podIP?: string;
  /** type -> status, or [status, lastTransitionTime in seconds after T0]. */
  conditions?: Record<string, string | [string, number]>;
  containers?: k8s.V1ContainerStatus[];
  initContainers?: k8s.V1ContainerStatus[];
}

export function pod(name: string, s: PodSpecLite = {}): k8s.V1Pod {
  return {
    metadata: { name, namespace: 'ns' },
    status: {
      ...(s.phase !== undefined ? { phase: s.phase } : {}),
      ...(s.podIP !== undefined ? { podIP: s.podIP } : {}),
      ...(s.conditions
        ? {
            conditions: Object.entries(s.conditions).map(([type, v]) =>
              Array.isArray(v) ? { type, status: v[0], lastTransitionTime: time(v[1]) } : { type, status: v },
            ),
          }
        : {}),
      ...(s.containers ? { containerStatuses: s.containers } : {}),
      ...(s.initContainers ? { initContainerStatuses: s.initContainers } : {}),
    },
  };
}

export function container(name: string, s: Partial<k8s.V1ContainerStatus> = {}): k8s.V1ContainerStatus {
  return { name, image: `${name}:1`, imageID: `sha256:${name}`, ready: false, restartCount: 0, ...s };
}

export const running: k8s.V1ContainerState = { running: { startedAt: time(1) } };
export function waiting(reason: string): k8s.V1ContainerState {
  return { waiting: { reason } };
}
export function terminated(reason: string, exitCode: number): k8s.V1ContainerState {
  return { terminated: { reason, exitCode, finishedAt: time(2) } };
}

export interface EventLite {
  reason: string;
  message?: string;
  /** involvedObject.name; kind defaults to Pod. */
  on?: string;
  kind?: string;
  /** Sets involvedObject.fieldPath to spec.containers{container}. */
  container?: string;
  fieldPath?: string;
  count?: number;
  series?: { count?: number; lastObservedTime?: number };
  /** Seconds after T0. */
  firstTimestamp?: number;
  lastTimestamp?: number;
  eventTime?: number;
}

let uid = 0;
export function event(e: EventLite): k8s.CoreV1Event {
  const fieldPath = e.fieldPath ?? (e.container !== undefined ? `spec.containers{${e.container}}` : undefined);
  return {
    metadata: { name: `ev-${++uid}`, namespace: 'ns', uid: `uid-${uid}` },
    involvedObject: { kind: e.kind ?? 'Pod', name: e.on ?? 'p', namespace: 'ns', ...(fieldPath !== undefined ? { fieldPath } : {}) },
    reason: e.reason,
    type: 'Normal',
    ...(e.message !== undefined ? { message: e.message } : {}),
    ...(e.count !== undefined ? { count: e.count } : {}),
    ...(e.series
      ? {
          series: {
            ...(e.series.count !== undefined ? { count: e.series.count } : {}),
            ...(e.series.lastObservedTime !== undefined ? { lastObservedTime: time(e.series.lastObservedTime) as k8s.V1MicroTime } : {}),
          },
        }
      : {}),
    ...(e.firstTimestamp !== undefined ? { firstTimestamp: time(e.firstTimestamp) } : {}),
    ...(e.lastTimestamp !== undefined ? { lastTimestamp: time(e.lastTimestamp) } : {}),
    ...(e.eventTime !== undefined ? { eventTime: time(e.eventTime) as k8s.V1MicroTime } : {}),
  };
}

export interface EndpointLite {
  pod: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export function slice(name: string, service: string, ports: number[], endpoints: EndpointLite[]): k8s.V1EndpointSlice {
  return {
    metadata: { name, namespace: 'ns', labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    ports: ports.map((port, i) => ({ name: `p${i}`, port, protocol: 'TCP' })),
    endpoints: endpoints.map((ep, i) => ({
      addresses: [`10.0.0.${i + 10}`],
      targetRef: { kind: 'Pod', name: ep.pod, namespace: 'ns' },
      conditions: {
        ...(ep.ready !== undefined ? { ready: ep.ready } : {}),
        ...(ep.serving !== undefined ? { serving: ep.serving } : {}),
        ...(ep.terminating !== undefined ? { terminating: ep.terminating } : {}),
      },
    })),
  };
}
