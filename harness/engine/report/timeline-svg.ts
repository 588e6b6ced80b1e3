import type { ScenarioResult } from '../scenario/runner.js';

/**
 * One scenario's timeline as a picture (SVG): a lane per pod (Ready, phase, deletion), per
 * container (running / waiting / terminated, ready, restarts, and its events: probe failures,
 * kills, hooks), per endpoint (ready / serving / terminating), and one for the steps, where each
 * timed step's expected window is a band and the measured moment a diamond on it. Every mark has
 * a tooltip (<title>) with what the watch or the event said.
 */
const LABEL_W = 230;
const PLOT_W = 900;
const LANE_H = 22;
const AXIS_H = 24;

type Entry = ScenarioResult['timeline'][number];
interface Segment { from: number; to: number; cls: string; title: string }
interface Mark { t: number; cls: string; title: string; glyph?: string }
interface Lane { label: string; segments: Segment[]; marks: Mark[]; thin?: Segment[] }

export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Segments from a series of (t, state) changes, each lasting until the next one or `end`. */
function segmentsOf(changes: { t: number; cls: string; title: string }[], end: number): Segment[] {
  return changes.map((c, i) => ({ from: c.t, to: changes[i + 1]?.t ?? end, cls: c.cls, title: c.title })).filter((s) => s.to > s.from || s.from === end);
}

function containerState(text: string): { cls: string; title: string } | undefined {
  if (text === 'running') return { cls: 'running', title: 'running' };
  const waiting = /^waiting \((.*)\)$/.exec(text);
  if (waiting) return { cls: /BackOff|Error/.test(waiting[1]!) ? 'backoff' : 'waiting', title: text };
  const ended = /^terminated \((.*)\)$/.exec(text);
  if (ended) return { cls: /^Completed/.test(ended[1]!) ? 'completed' : 'error', title: text };
  return undefined;
}

function eventMark(e: Entry): Mark {
  const reason = /^(?:Normal|Warning) (\w+):/.exec(e.text)?.[1] ?? '';
  const cls = reason === 'Unhealthy' ? 'ev-probe' : reason === 'Killing' ? 'ev-kill' : /Hook/.test(reason) ? 'ev-hook' : reason === 'Started' ? 'ev-start' : 'ev-other';
  const glyph = reason === 'Unhealthy' ? '✕' : reason === 'Killing' ? '⚡' : /Hook/.test(reason) ? 'H' : undefined;
  return { t: e.t, cls, title: e.text, ...(glyph ? { glyph } : {}) };
}

/** The lanes of a scenario, in order of first appearance: each pod, then its containers, then endpoints, then steps. */
export function lanesOf(result: ScenarioResult): Lane[] {
  const end = Math.max(result.durationMs, ...result.timeline.map((e) => e.t), 1);
  const pods = new Map<string, { ready: Segment[]; readyChanges: { t: number; cls: string; title: string }[]; marks: Mark[] }>();
  const containers = new Map<string, { states: { t: number; cls: string; title: string }[]; ready: { t: number; cls: string; title: string }[]; marks: Mark[] }>();
  const endpoints = new Map<string, { t: number; cls: string; title: string }[]>();
  const pod = (name: string) => pods.get(name) ?? pods.set(name, { ready: [], readyChanges: [], marks: [] }).get(name)!;
  const container = (name: string) => {
    pod(name.split('/')[0]!);
    return containers.get(name) ?? containers.set(name, { states: [], ready: [], marks: [] }).get(name)!;
  };
  for (const e of result.timeline) {
    if (e.kind === 'pod') {
      const p = pod(e.subject);
      const ready = /^condition Ready=(True|False)/.exec(e.text);
      if (ready) p.readyChanges.push({ t: e.t, cls: ready[1] === 'True' ? 'ready' : 'notready', title: e.text });
      else if (/^phase |^deletion requested|^deleted/.test(e.text)) p.marks.push({ t: e.t, cls: 'phase', title: e.text, glyph: e.text.startsWith('phase') ? e.text.slice(6, 7) : '⌫' });
    } else if (e.kind === 'container') {
      const c = container(e.subject);
      const state = containerState(e.text);
      if (state) c.states.push({ t: e.t, ...state });
      else if (/^ready (true|false)$/.test(e.text)) c.ready.push({ t: e.t, cls: e.text.endsWith('true') ? 'ready' : 'none', title: e.text });
      else if (/^restartCount/.test(e.text)) c.marks.push({ t: e.t, cls: 'restart', title: e.text, glyph: '↻' });
    } else if (e.kind === 'event') {
      (e.subject.includes('/') ? container(e.subject).marks : pod(e.subject).marks).push(eventMark(e));
    } else if (e.kind === 'endpoint') {
      const state = /ready=true/.test(e.text) ? 'ready' : /serving=true/.test(e.text) ? 'serving' : /terminating=true/.test(e.text) ? 'terminating' : /^gone|removed|absent/.test(e.text) ? 'none' : 'notready';
      (endpoints.get(e.subject) ?? endpoints.set(e.subject, []).get(e.subject)!).push({ t: e.t, cls: `ep-${state}`, title: e.text });
    }
  }
  const lanes: Lane[] = [];
  for (const [name, p] of pods) {
    lanes.push({ label: `pod ${name}`, segments: segmentsOf(p.readyChanges, end), marks: p.marks });
    for (const [cname, c] of containers) {
      if (!cname.startsWith(`${name}/`)) continue;
      lanes.push({ label: `  ${cname.slice(name.length + 1)}`, segments: segmentsOf(c.states, end), thin: segmentsOf(c.ready, end).filter((s) => s.cls === 'ready'), marks: c.marks });
    }
  }
  for (const [name, changes] of endpoints) lanes.push({ label: `endpoint ${name}`, segments: segmentsOf(changes, end), marks: [] });
  const stepMarks: Mark[] = [];
  const bands: Segment[] = [];
  for (const s of result.steps) {
    const m = s.measured;
    if (m && m.anchorMs !== undefined && m.atMs !== undefined) {
      bands.push({ from: m.anchorMs + (m.min ?? 0) * 1000, to: m.anchorMs + (m.max ?? 0) * 1000, cls: 'window', title: `${s.name ?? `${s.kind} #${s.index}`}: expected window [${m.min}s, ${m.max}s] after its reference` });
      stepMarks.push({ t: m.atMs, cls: 'moment', title: `measured ${m.seconds}s${m.uncertainty ? ` ±${m.uncertainty}s` : ''} after its reference`, glyph: '◆' });
    }
  }
  lanes.push({
    label: 'steps',
    segments: result.steps.map((s) => ({ from: s.startedAt, to: Math.max(s.endedAt, s.startedAt + 1), cls: s.ok ? 'step-ok' : 'step-failed', title: `${s.name ?? `${s.kind} #${s.index}`}: ${s.ok ? 'passed' : 'FAILED'}${s.observed ? ` - ${s.observed}` : ''}` })),
    marks: stepMarks,
  });
  if (bands.length) lanes.push({ label: 'timed windows', segments: bands, marks: stepMarks });
  return lanes;
}

/** A tick every 1, 2, 5, 10, 20, 30 or 60 s: at most ~12 across. */
function tickEvery(endMs: number): number {
  return [1, 2, 5, 10, 20, 30, 60, 120].find((s) => (endMs / 1000) / s <= 12) ?? 300;
}

export function timelineSvg(result: ScenarioResult): string {
  const lanes = lanesOf(result);
  const end = Math.max(result.durationMs, ...result.timeline.map((e) => e.t), 1);
  const x = (t: number) => LABEL_W + Math.max(0, Math.min(1, t / end)) * PLOT_W;
  const height = AXIS_H + lanes.length * LANE_H + 4;
  const parts: string[] = [];
  const every = tickEvery(end);
  for (let s = 0; s * 1000 <= end; s += every) {
    parts.push(`<line class="grid" x1="${x(s * 1000)}" x2="${x(s * 1000)}" y1="${AXIS_H - 4}" y2="${height}"/><text class="tick" x="${x(s * 1000)}" y="${AXIS_H - 8}">${s}s</text>`);
  }
  // Gaps (watches lost, a component down): hatched across every lane, the backlog after them lighter.
  for (const g of result.gaps ?? []) {
    const to = g.to ?? end;
    const title = esc(`${g.what} ${(g.from / 1000).toFixed(1)}s-${(to / 1000).toFixed(1)}s: nobody saw what happened then; changes arrive up to ${g.backlogMs / 1000}s after it`);
    parts.push(`<rect class="gap" x="${x(g.from).toFixed(1)}" y="${AXIS_H}" width="${Math.max(1, x(to) - x(g.from)).toFixed(1)}" height="${height - AXIS_H}"><title>${title}</title></rect>`);
    parts.push(`<rect class="gap-backlog" x="${x(to).toFixed(1)}" y="${AXIS_H}" width="${Math.max(0, x(to + g.backlogMs) - x(to)).toFixed(1)}" height="${height - AXIS_H}"><title>${title}</title></rect>`);
  }
  lanes.forEach((lane, i) => {
    const y = AXIS_H + i * LANE_H;
    parts.push(`<text class="label" x="4" y="${y + 15}">${esc(lane.label)}</text>`);
    for (const s of lane.segments) parts.push(`<rect class="seg ${s.cls}" x="${x(s.from).toFixed(1)}" y="${y + 3}" width="${Math.max(1, x(s.to) - x(s.from)).toFixed(1)}" height="${LANE_H - 6}"><title>${esc(s.title)}</title></rect>`);
    for (const s of lane.thin ?? []) parts.push(`<rect class="seg readybar" x="${x(s.from).toFixed(1)}" y="${y + 1}" width="${Math.max(1, x(s.to) - x(s.from)).toFixed(1)}" height="3"><title>${esc(s.title)}</title></rect>`);
    for (const m of lane.marks) {
      parts.push(m.glyph
        ? `<text class="mark ${m.cls}" x="${x(m.t).toFixed(1)}" y="${y + 16}">${esc(m.glyph)}<title>${esc(m.title)}</title></text>`
        : `<circle class="mark ${m.cls}" cx="${x(m.t).toFixed(1)}" cy="${y + LANE_H / 2}" r="3"><title>${esc(m.title)}</title></circle>`);
    }
  });
  return `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${LABEL_W + PLOT_W + 10} ${height}" width="${LABEL_W + PLOT_W + 10}" height="${height}" role="img" aria-label="timeline of ${esc(result.id)}">${parts.join('')}</svg>`;
}
