import type * as k8s from '@kubernetes/client-node';
import type { Timeline } from './timeline.js';

function stateText(s: k8s.V1ContainerState | undefined): string {
  if (!s) return 'unknown';
  if (s.running) return 'running';
  if (s.waiting) return `waiting (${s.waiting.reason ?? '?'})`;
  if (s.terminated) return `terminated (${s.terminated.reason ?? '?'}, exit ${s.terminated.exitCode})`;
  return 'unknown';
}

function ts(d: Date | string | undefined): string | undefined {
  if (!d) return undefined;
  return d instanceof Date ? d.toISOString() : String(d);
}

/** A restart whose previous container the runtime no longer has: its exit code and reason are gone. */
export const LAST_STATE_LOST = 'restarted, but no lastState: the runtime no longer had the previous container when the kubelet wrote this status (the kubelet container GC race, docs/kubelet-gc-race.md); its exit code is not known';

/** Appends to the timeline every change between two versions of a pod that a probe can cause. */
export function recordPodChanges(timeline: Timeline, before: k8s.V1Pod | undefined, after: k8s.V1Pod): void {
  const name = after.metadata?.name ?? '?';
  const b = before?.status;
  const a = after.status;
  if (!before) timeline.add('pod', name, 'created');
  if (a?.phase !== b?.phase && a?.phase) timeline.add('pod', name, `phase ${a.phase}`);
  if (a?.podIP !== b?.podIP && a?.podIP) timeline.add('pod', name, `podIP ${a.podIP}`);
  if (after.metadata?.deletionTimestamp && !before?.metadata?.deletionTimestamp) {
    timeline.add('pod', name, `deletion requested (grace ${after.metadata.deletionGracePeriodSeconds ?? '?'}s)`, ts(after.metadata.deletionTimestamp));
  }
  for (const c of a?.conditions ?? []) {
    const old = b?.conditions?.find((x) => x.type === c.type);
    if (old?.status !== c.status) timeline.add('pod', name, `condition ${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`, ts(c.lastTransitionTime));
  }
  const all = [...(a?.initContainerStatuses ?? []), ...(a?.containerStatuses ?? [])];
  const allBefore = [...(b?.initContainerStatuses ?? []), ...(b?.containerStatuses ?? [])];
  for (const c of all) {
    const old = allBefore.find((x) => x.name === c.name);
    const subject = `${name}/${c.name}`;
    if (stateText(old?.state) !== stateText(c.state)) {
      const clusterTime = ts(c.state?.running?.startedAt ?? c.state?.terminated?.finishedAt);
      timeline.add('container', subject, stateText(c.state), clusterTime);
    }
    if (old?.containerID !== c.containerID && c.containerID) timeline.add('container', subject, `containerID ${c.containerID.replace(/^.*:\/\//, '').slice(0, 12)}`);
    if (old?.restartCount !== c.restartCount && (old || c.restartCount > 0)) {
      timeline.add('container', subject, `restartCount ${c.restartCount}`);
      if (!c.lastState?.terminated && c.restartCount > 0) timeline.add('container', subject, LAST_STATE_LOST);
    }
    if (old?.ready !== c.ready) timeline.add('container', subject, `ready ${c.ready}`);
    const lt = c.lastState?.terminated;
    if (lt && ts(old?.lastState?.terminated?.finishedAt) !== ts(lt.finishedAt)) {
      timeline.add('container', subject, `last terminated: ${lt.reason ?? '?'}, exit ${lt.exitCode}`, ts(lt.finishedAt));
    }
  }
}
