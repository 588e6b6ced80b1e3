/**
 * What every preflight check returns: lines to show (one per thing checked, found or missing),
 * the problems to fix (all of them, never just the first) and notes (worth knowing, not wrong).
 * Checks never throw for something the machine lacks.
 */
import type { Problem } from '../../common/errors.js';

export type { Problem } from '../../common/errors.js';

export interface CheckLine {
  /** What was checked, e.g. `containerd`, `docker engine`, `free disk`. */
  name: string;
  ok: boolean;
  /** Where it was found, or why it is missing. */
  detail: string;
}

export interface CheckResult {
  lines: CheckLine[];
  problems: Problem[];
  notes: string[];
}

export function found(name: string, detail: string): CheckResult {
  return { lines: [{ name, ok: true, detail }], problems: [], notes: [] };
}

/** A missing thing: its display line, and the problem with its fix. */
export function missing(name: string, detail: string, problem: Problem): CheckResult {
  return { lines: [{ name, ok: false, detail }], problems: [problem], notes: [] };
}

export function note(text: string): CheckResult {
  return { lines: [], problems: [], notes: [text] };
}

/** All results in order, as one. */
export function combine(...results: readonly CheckResult[]): CheckResult {
  return {
    lines: results.flatMap((r) => r.lines),
    problems: results.flatMap((r) => r.problems),
    notes: results.flatMap((r) => r.notes),
  };
}
