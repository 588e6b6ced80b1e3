import type * as k8s from '@kubernetes/client-node';
import { eventContainer, type ClusterView } from '../observe/recorder.js';
import type { Condition } from '../scenario/schema.js';
import { describeMatcher, matches } from './match.js';

/** The outcome of checking one condition against what the cluster shows now. */
export interface Check {
  ok: boolean;
  /** What was observed, in words: evidence when ok, the mismatch when not. */
  observed: string;
  /**
   * When ok: the moment the cluster itself gives for the fact (epoch ms, whole seconds: an event's
   * lastTimestamp, a pod condition's lastTransitionTime), free of watch delivery delay. Absent when
   * the cluster keeps no such timestamp (endpoint conditions, container fields).
   */
  at?: number;
}

function epoch(t: Date | string | undefined): number | undefined {
  if (t === undefined) return undefined;
  const ms = t instanceof Date ? t.getTime() : Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The latest of the timestamps, or undefined when any one is missing. */
function latest(times: (number | undefined)[]): number | undefined {
  if (!times.length || times.some((t) => t === undefined)) return undefined;
  return Math.max(...(times as number[]));
}

function containerState(s: k8s.V1ContainerState | undefined): 'running' | 'waiting' | 'terminated' | undefined {
  if (s?.running) return 'running';
  if (s?.waiting) return 'waiting';
  if (s?.terminated) return 'terminated';
  return undefined;
}

function checkPod(c: Extract<Condition, { pod: string }>, view: ClusterView): Check {
  const pod = view.pods.get(c.pod);
  if (c.exists === false) return pod ? { ok: false, observed: `pod ${c.pod} still exists` } : { ok: true, observed: `pod ${c.pod} is gone` };
  if (!pod) return { ok: false, observed: `pod ${c.pod} not found` };
  const found: string[] = [];
  const bad: string[] = [];
  const times: (number | undefined)[] = [];
  const compare = (label: string, matcher: Parameters<typeof matches>[0] | undefined, actual: unknown) => {
    if (matcher === undefined) return;
    (matches(matcher, actual) ? found : bad).push(
      matches(matcher, actual) ? `${label}=${JSON.stringify(actual)}` : `${label} is ${JSON.stringify(actual)}, want ${describeMatcher(matcher)}`,
    );
  };
  compare('phase', c.phase, pod.status?.phase);
  if (c.phase !== undefined) times.push(undefined);
  if (c.sameIP !== undefined) {
    const first = view.firstSeen.get(c.pod);
    compare(`podIP (first ${first})`, c.sameIP, pod.status?.podIP !== undefined && pod.status.podIP === first);
  }
  for (const [type, m] of Object.entries(c.conditions ?? {})) {
    const cond = pod.status?.conditions?.find((x) => x.type === type);
    compare(`condition ${type}`, m, cond?.status);
    times.push(epoch(cond?.lastTransitionTime));
  }
  for (const [name, e] of Object.entries(c.containers ?? {})) {
    const st = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].find((x) => x.name === name);
    if (!st) {
      bad.push(`container ${name} has no status yet`);
      continue;
    }
    compare(`${name}.ready`, e.ready, st.ready);
    compare(`${name}.started`, e.started, st.started);
    compare(`${name}.restartCount`, e.restartCount, st.restartCount);
    if (e.state) compare(`${name}.state`, e.state, containerState(st.state));
    compare(`${name}.waitingReason`, e.waitingReason, st.state?.waiting?.reason);
    compare(`${name}.terminated.reason`, e.terminated?.reason, st.state?.terminated?.reason);
    compare(`${name}.terminated.exitCode`, e.terminated?.exitCode, st.state?.terminated?.exitCode);
    compare(`${name}.lastTerminated.reason`, e.lastTerminated?.reason, st.lastState?.terminated?.reason);
    compare(`${name}.lastTerminated.exitCode`, e.lastTerminated?.exitCode, st.lastState?.terminated?.exitCode);
    if (e.lastTerminated && st.restartCount > 0 && !st.lastState?.terminated) {
      bad.push(`${name} restarted ${st.restartCount}x but has no lastState: the runtime no longer had the previous container (kubelet container GC race, docs/kubelet-gc-race.md)`);
    }
    if (e.idChanged !== undefined) {
      const first = view.firstSeen.get(`${c.pod}/${name}`);
      compare(`${name}.idChanged (first ${first?.slice(-12)}, now ${st.containerID?.slice(-12)})`, e.idChanged, st.containerID !== undefined && first !== undefined && st.containerID !== first);
    }
    if (e.restartCountNeverDecreased !== undefined) {
      const seen = restartCountsSeen(view, `${c.pod}/${name}`);
      const rising = seen.every((n, i) => i === 0 || n >= seen[i - 1]!);
      compare(`${name}.restartCountNeverDecreased (seen ${seen.join(', ') || 'none'})`, e.restartCountNeverDecreased, rising);
    }
    // No container field carries the moment the API started showing it (startedAt is the process
    // start, which a hanging postStart hook reports much later), so these fall back to watch time.
    times.push(undefined);
  }
  if (c.sameIP !== undefined) times.push(undefined);
  if (bad.length) return { ok: false, observed: `pod ${c.pod}: ${bad.join('; ')}` };
  const at = latest(times);
  return { ok: true, observed: `pod ${c.pod}: ${found.join(', ') || 'exists'}`, ...(at !== undefined ? { at } : {}) };
}

/** Every restartCount the watch recorded for pod/container, in order. */
function restartCountsSeen(view: ClusterView, subject: string): number[] {
  return view.timeline.entries.flatMap((x) => {
    const m = x.kind === 'container' && x.subject === subject ? /^restartCount (\d+)$/.exec(x.text) : null;
    return m ? [Number(m[1])] : [];
  });
}

function checkEvent(c: Extract<Condition, { event: unknown }>, view: ClusterView): Check {
  const e = c.event;
  const hits = view.events.filter(
    (ev) =>
      matches(e.reason, ev.reason) &&
      // exec probe output ends with a newline; kubectl describe (what articles quote) drops it
      (e.message === undefined || matches(e.message, ev.message?.trimEnd())) &&
      (e.pod === undefined || (ev.involvedObject?.kind === 'Pod' && ev.involvedObject.name === e.pod)) &&
      (e.container === undefined || eventContainer(ev) === e.container),
  );
  const total = hits.reduce((n, ev) => n + (ev.count ?? ev.series?.count ?? 1), 0);
  const want = e.count ?? { gte: 1 };
  const what = `event ${describeMatcher(e.reason)}${e.message !== undefined ? ` ${describeMatcher(e.message)}` : ''}${e.pod ? ` on ${e.pod}` : ''}${e.container ? `/${e.container}` : ''}`;
  if (matches(want, total)) {
    // The last occurrence: a repeated event's lastTimestamp moves with each count.
    // (events.k8s.io-style events carry it as series.lastObservedTime.)
    const at = latest(hits.map((ev) => epoch(ev.lastTimestamp ?? ev.series?.lastObservedTime ?? ev.eventTime ?? ev.firstTimestamp)));
    return { ok: true, observed: `${what}: seen ${total}x${hits[0] ? `, e.g. "${hits[0].message?.trimEnd()}"` : ''}`, ...(at !== undefined ? { at } : {}) };
  }
  const sameReason = view.events.filter((ev) => matches(e.reason, ev.reason)).map((ev) => `"${ev.message?.trimEnd()}"`);
  return { ok: false, observed: `${what}: seen ${total}x, want ${describeMatcher(want)}${sameReason.length ? `; events with that reason: ${[...new Set(sameReason)].slice(0, 3).join(', ')}` : ''}` };
}

function checkEndpoint(c: Extract<Condition, { endpoint: unknown }>, view: ClusterView): Check {
  const e = c.endpoint;
  const slices = view.slices.filter((s) => s.metadata?.labels?.['kubernetes.io/service-name'] === e.service);
  const candidates = slices.filter((s) => (e.ports ?? []).every((p) => s.ports?.some((sp) => sp.port === p)));
  const endpoints = candidates.flatMap((s) => (s.endpoints ?? []).filter((ep) => ep.targetRef?.name === e.pod).map((ep) => ({ ep, s })));
  const label = `endpoint of ${e.pod} in Service ${e.service}${e.ports ? ` ports ${e.ports.join(',')}` : ''}`;
  if (e.present === false) return endpoints.length ? { ok: false, observed: `${label} is still listed` } : { ok: true, observed: `${label} is not listed` };
  if (!endpoints.length) return { ok: false, observed: `${label} not listed (${slices.length} slice(s) for the Service)` };
  const bad: string[] = [];
  for (const { ep } of endpoints) {
    for (const key of ['ready', 'serving', 'terminating'] as const) {
      if (e[key] !== undefined && ep.conditions?.[key] !== e[key]) bad.push(`${key} is ${ep.conditions?.[key]}, want ${e[key]}`);
    }
  }
  const cond = endpoints[0]!.ep.conditions ?? {};
  const ports = endpoints.map(({ s }) => (s.ports ?? []).map((p) => `${p.name ?? ''}:${p.port}`).join(',')).join(' | ');
  return bad.length
    ? { ok: false, observed: `${label}: ${bad.join('; ')}` }
    : { ok: true, observed: `${label}: ready=${cond.ready} serving=${cond.serving} terminating=${cond.terminating} (slice ports ${ports})` };
}

export function checkCondition(c: Condition, view: ClusterView): Check {
  if ('pod' in c) return checkPod(c, view);
  if ('event' in c) return checkEvent(c, view);
  return checkEndpoint(c, view);
}

export function checkAll(conditions: Condition[], view: ClusterView): Check {
  const checks = conditions.map((c) => checkCondition(c, view));
  const ok = checks.every((c) => c.ok);
  const at = ok ? latest(checks.map((c) => c.at)) : undefined;
  return { ok, observed: checks.map((c) => c.observed).join('; '), ...(at !== undefined ? { at } : {}) };
}
