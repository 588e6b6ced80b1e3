import type { Log } from '../../common/log.js';

/**
 * Undo actions that steps register while a scenario runs (a node stop registers its start), run
 * in reverse order when the scenario ends, whether it passed, failed or timed out. A step that
 * undoes the action itself (a later node start) cancels the entry by its key. Entries for
 * `afterNamespace` run once the namespace is gone (files the scenario's pods could write again).
 */
export type CleanupWhen = 'end' | 'afterNamespace';

/**
 * Where node paths still to be removed are written down outside the scenario's process, so a run
 * cut short (Ctrl-C kills the test workers) can still remove them when it stops the cluster.
 */
export interface NodePathJournal {
  pending(namespace: string, path: string): void;
  done(namespace: string, path: string): void;
}

export class CleanupStack {
  private readonly entries: { key: string; label: string; undo: () => Promise<unknown>; when: CleanupWhen }[] = [];

  defer(key: string, label: string, undo: () => Promise<unknown>, when: CleanupWhen = 'end'): void {
    this.cancel(key);
    this.entries.push({ key, label, undo, when });
  }

  has(when: CleanupWhen): boolean {
    return this.entries.some((e) => e.when === when);
  }

  cancel(key: string): void {
    const i = this.entries.findIndex((e) => e.key === key);
    if (i >= 0) this.entries.splice(i, 1);
  }

  get labels(): string[] {
    return this.entries.map((e) => e.label);
  }

  /** Runs every undo of that time, last registered first; returns the failures (each one still runs the rest). */
  async runAll(log: Log, when: CleanupWhen = 'end'): Promise<string[]> {
    const failures: string[] = [];
    const due = this.entries.filter((e) => e.when === when);
    this.entries.splice(0, this.entries.length, ...this.entries.filter((e) => e.when !== when));
    for (const entry of due.reverse()) {
      log(`cleanup: ${entry.label}`);
      try {
        await entry.undo();
      } catch (e) {
        failures.push(`${entry.label}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return failures;
  }
}
