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

export class Timeline {
  readonly entries: TimelineEntry[] = [];
  readonly startedAt = Date.now();
  private listeners = new Set<() => void>();

  add(kind: TimelineEntry['kind'], subject: string, text: string, clusterTime?: string): void {
    const now = Date.now();
    this.entries.push({ t: now - this.startedAt, at: new Date(now).toISOString(), kind, subject, text, ...(clusterTime ? { clusterTime } : {}) });
    for (const fn of this.listeners) fn();
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
