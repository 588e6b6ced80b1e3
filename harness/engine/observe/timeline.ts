/** One thing the cluster did, as seen by the watches, with when it was seen. */
export interface TimelineEntry {
  /** Milliseconds since the scenario started. */
  t: number;
  /** Wall-clock time the watch delivered it. */
  at: string;
  kind: 'pod' | 'container' | 'event' | 'endpoint' | 'step' | 'note';
  /** Pod, container (pod/container), service/pod, or step name. */
  subject: string;
  text: string;
  /** The cluster's own timestamp, where it gives one (event lastTimestamp, container startedAt). */
  clusterTime?: string;
}

/**
 * A stretch of the scenario's time in which nobody saw what the cluster did: the watches were lost
 * (the API server did not answer), or a `restart` step had stopped the API server or a kubelet,
 * which then reports what happened meanwhile only when it is back. A change first seen in a gap, or
 * up to `backlogMs` after it (when the backlog arrives), may have happened at any moment of it.
 */
export interface Gap {
  /** Timeline ms. */
  from: number;
  /** Timeline ms; unset while it lasts. */
  to?: number;
  what: string;
  backlogMs: number;
}

/**
 * After watches come back, the changes made while they were lost arrive at once (the watch resumes
 * from its last resourceVersion).
 */
export const WATCH_BACKLOG_MS = 2_000;
/**
 * After the API server or a kubelet is back, a kubelet posts the pod statuses it could not post at
 * its next status sync (every 10 s), then the watches deliver them.
 */
export const STATUS_BACKLOG_MS = 12_000;

export class Timeline {
  readonly entries: TimelineEntry[] = [];
  readonly gaps: Gap[] = [];
  readonly startedAt = Date.now();
  private listeners = new Set<() => void>();

  add(kind: TimelineEntry['kind'], subject: string, text: string, clusterTime?: string): void {
    const now = Date.now();
    this.entries.push({ t: now - this.startedAt, at: new Date(now).toISOString(), kind, subject, text, ...(clusterTime ? { clusterTime } : {}) });
    for (const fn of this.listeners) fn();
  }

  /** Starts a gap now (with a note on the timeline under `subject`); close it with endGap. */
  startGap(subject: string, what: string, backlogMs: number, note: string): Gap {
    const gap: Gap = { from: Date.now() - this.startedAt, what, backlogMs };
    this.gaps.push(gap);
    this.add('note', subject, note);
    return gap;
  }

  endGap(gap: Gap, subject: string, note: string): void {
    gap.to = Date.now() - this.startedAt;
    this.add('note', subject, `${note} (${Timeline.gapText(gap)})`);
  }

  /** The gap a change first seen by a watch at t (timeline ms) may have happened in. */
  gapAt(t: number): Gap | undefined {
    return this.gaps.find((g) => t >= g.from && (g.to === undefined || t <= g.to + g.backlogMs));
  }

  /** The gaps, with their backlogs, that overlap [from, to] (timeline ms). */
  gapsOverlapping(from: number, to: number): Gap[] {
    return this.gaps.filter((g) => g.from <= to && (g.to === undefined || g.to + g.backlogMs >= from));
  }

  /** "kube-apiserver down 12.1s-19.4s" */
  static gapText(g: Gap): string {
    return `${g.what} ${Timeline.seconds(g.from)}-${g.to === undefined ? 'on' : Timeline.seconds(g.to)}`;
  }

  /** Called after every new entry (i.e. every observed change). */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Seconds since the scenario started, for messages. */
  static seconds(ms: number): string {
    return `${(ms / 1000).toFixed(1)}s`;
  }

  format(): string {
    return this.entries.map((e) => `${Timeline.seconds(e.t).padStart(7)}  ${e.kind.padEnd(9)} ${e.subject}: ${e.text}${e.clusterTime ? ` [cluster ${e.clusterTime}]` : ''}`).join('\n');
  }
}
