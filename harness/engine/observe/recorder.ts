import * as k8s from '@kubernetes/client-node';
import type { Kube } from '../k8s/client.js';
import { recordPodChanges } from './pod-changes.js';
import { Timeline, WATCH_BACKLOG_MS, type Gap } from './timeline.js';

/** What the watches have seen so far in one namespace; expectations are evaluated on it. */
export interface ClusterView {
  /** Pods as they are now (deleted pods removed). */
  pods: ReadonlyMap<string, k8s.V1Pod>;
  /** The last version seen of every pod, deleted ones included. */
  lastSeenPods: ReadonlyMap<string, k8s.V1Pod>;
  /** The first pod IP and container IDs seen per pod (pod -> IP; pod/container -> ID). */
  firstSeen: ReadonlyMap<string, string>;
  events: readonly k8s.CoreV1Event[];
  slices: readonly k8s.V1EndpointSlice[];
  timeline: Timeline;
}

/** Keeps a pod's first IP (key: pod) and each container's first ID (key: pod/container). */
export function recordFirstSeen(firstSeen: Map<string, string>, pod: k8s.V1Pod): void {
  const name = pod.metadata?.name ?? '?';
  if (pod.status?.podIP && !firstSeen.has(name)) firstSeen.set(name, pod.status.podIP);
  // Init containers too: a sidecar (restartPolicy Always) can be restarted by its liveness probe.
  for (const c of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    if (c.containerID && !firstSeen.has(`${name}/${c.name}`)) firstSeen.set(`${name}/${c.name}`, c.containerID);
  }
}

function podFromEvent(e: k8s.CoreV1Event): string | undefined {
  return e.involvedObject?.kind === 'Pod' ? e.involvedObject.name : undefined;
}

function errorText(err: unknown): string {
  const e = err as { code?: string; message?: string; statusCode?: number } | undefined;
  return e?.code ?? (e?.statusCode ? `HTTP ${e.statusCode}` : (e?.message ?? String(err))).slice(0, 120);
}

/** spec.containers{name} -> name */
export function eventContainer(e: k8s.CoreV1Event): string | undefined {
  return /\{(.+)\}/.exec(e.involvedObject?.fieldPath ?? '')?.[1];
}

function endpointKey(e: k8s.V1Endpoint): string {
  return `${e.targetRef?.name ?? e.addresses.join(',')}`;
}

function conditionsText(e: k8s.V1Endpoint): string {
  const c = e.conditions ?? {};
  return `ready=${c.ready} serving=${c.serving} terminating=${c.terminating}`;
}

/**
 * Records pods, Events and EndpointSlices of a namespace from the moment it starts, through
 * informers (list + watch, re-established when a watch ends), into a ClusterView and a Timeline.
 */
export class ClusterRecorder implements ClusterView {
  readonly timeline = new Timeline();
  private readonly podMap = new Map<string, k8s.V1Pod>();
  private readonly lastSeen = new Map<string, k8s.V1Pod>();
  readonly firstSeen = new Map<string, string>();
  private readonly eventMap = new Map<string, k8s.CoreV1Event>();
  private readonly sliceMap = new Map<string, k8s.V1EndpointSlice>();
  private informers: k8s.Informer<k8s.KubernetesObject>[] = [];
  private stopped = false;
  /** Watches that are lost now, and the gap they make. */
  private readonly lost = new Set<string>();
  private gap: Gap | undefined;

  constructor(
    private readonly kube: Kube,
    readonly namespace: string,
  ) {}

  get pods(): ReadonlyMap<string, k8s.V1Pod> {
    return this.podMap;
  }
  get lastSeenPods(): ReadonlyMap<string, k8s.V1Pod> {
    return this.lastSeen;
  }
  get events(): readonly k8s.CoreV1Event[] {
    return [...this.eventMap.values()];
  }
  get slices(): readonly k8s.V1EndpointSlice[] {
    return [...this.sliceMap.values()];
  }

  async start(): Promise<void> {
    const ns = this.namespace;
    const { kc, core, discovery } = this.kube;
    const pods = k8s.makeInformer<k8s.V1Pod>(kc, `/api/v1/namespaces/${ns}/pods`, () => core.listNamespacedPod({ namespace: ns }));
    const onPod = (pod: k8s.V1Pod) => {
      const name = pod.metadata?.name ?? '?';
      recordPodChanges(this.timeline, this.lastSeen.get(name), pod);
      recordFirstSeen(this.firstSeen, pod);
      this.podMap.set(name, pod);
      this.lastSeen.set(name, pod);
    };
    pods.on('add', onPod);
    pods.on('update', onPod);
    pods.on('delete', (pod) => {
      const name = pod.metadata?.name ?? '?';
      this.podMap.delete(name);
      this.timeline.add('pod', name, 'deleted (gone from the API)');
    });

    const events = k8s.makeInformer<k8s.CoreV1Event>(kc, `/api/v1/namespaces/${ns}/events`, () => core.listNamespacedEvent({ namespace: ns }));
    const onEvent = (e: k8s.CoreV1Event) => {
      const key = e.metadata?.uid ?? `${e.reason}/${e.message}`;
      const old = this.eventMap.get(key);
      this.eventMap.set(key, e);
      if (old && (old.count ?? 1) === (e.count ?? 1)) return;
      const subject = [podFromEvent(e) ?? `${e.involvedObject?.kind}/${e.involvedObject?.name}`, eventContainer(e)].filter(Boolean).join('/');
      const when = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp;
      this.timeline.add('event', subject, `${e.type} ${e.reason}: ${e.message}${(e.count ?? 1) > 1 ? ` (x${e.count})` : ''}`, when ? new Date(when).toISOString() : undefined);
    };
    events.on('add', onEvent);
    events.on('update', onEvent);

    const slices = k8s.makeInformer<k8s.V1EndpointSlice>(kc, `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`, () =>
      discovery.listNamespacedEndpointSlice({ namespace: ns }),
    );
    const onSlice = (s: k8s.V1EndpointSlice) => {
      const name = s.metadata?.name ?? '?';
      const old = this.sliceMap.get(name);
      this.sliceMap.set(name, s);
      const service = s.metadata?.labels?.['kubernetes.io/service-name'] ?? name;
      const ports = (s.ports ?? []).map((p) => p.port).join(',');
      for (const ep of s.endpoints ?? []) {
        const before = old?.endpoints?.find((x) => endpointKey(x) === endpointKey(ep));
        if (!before || conditionsText(before) !== conditionsText(ep)) {
          this.timeline.add('endpoint', `${service}/${endpointKey(ep)}`, `${conditionsText(ep)} ports ${ports}`);
        }
      }
      for (const ep of old?.endpoints ?? []) {
        if (!s.endpoints?.some((x) => endpointKey(x) === endpointKey(ep))) this.timeline.add('endpoint', `${service}/${endpointKey(ep)}`, 'removed');
      }
    };
    slices.on('add', onSlice);
    slices.on('update', onSlice);
    slices.on('delete', (s) => this.sliceMap.delete(s.metadata?.name ?? '?'));

    this.informers = [pods, events, slices] as unknown as k8s.Informer<k8s.KubernetesObject>[];
    this.informers.forEach((inf, i) => this.keepWatching(inf, ['pods', 'events', 'endpointslices'][i]!));
    await Promise.all(this.informers.map((i) => i.start()));
  }

  /**
   * A watch that ends with an error (the API server went away) is started again every second
   * until it connects; from the first error until every watch is back, the timeline has an
   * unobserved gap, so that no verdict rests on a moment nobody saw.
   */
  private keepWatching(inf: k8s.Informer<k8s.KubernetesObject>, what: string): void {
    let errors = 0;
    inf.on('error', (err: unknown) => {
      errors++;
      if (this.stopped) return;
      this.lost.add(what);
      this.gap ??= this.timeline.startGap('watches', 'watches lost', WATCH_BACKLOG_MS, `watch of ${what} lost (${errorText(err)}); retrying every second`);
      setTimeout(() => {
        if (this.stopped) return;
        const before = errors;
        void inf
          .start()
          .then(() => {
            if (errors !== before || this.stopped) return;
            this.lost.delete(what);
            if (this.lost.size === 0 && this.gap) {
              this.timeline.endGap(this.gap, 'watches', 'watches re-established; changes made meanwhile arrive now, late');
              this.gap = undefined;
            }
          })
          .catch(() => undefined);
      }, 1_000);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.informers.map((i) => i.stop().catch(() => undefined)));
  }
}
