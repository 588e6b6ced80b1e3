import type { UpstreamCase, UpstreamCatalogue } from '../engine/scenario/upstream-cases.js';

/**
 * Which of upstream's e2e specs the suite runs: Ginkgo matches --ginkgo.focus and --ginkgo.skip
 * (Go regular expressions, unanchored) against a spec's full text, the container texts and the
 * It text joined by spaces (scenarios/upstream-cases.yaml's `name`).
 *
 * focus: the Describe texts of container_probe.go, lifecycle_hook.go and pre_stop.go right after
 *   "[sig-node] ", allowing labels in between: the restartable-init-container Describes put theirs
 *   there ("[sig-node] [NodeConformance] [FeatureGate:SidecarContainers] Probing restartable init
 *   container ..."), so `\[sig-node\] Probing restartable` alone would select none of them.
 * skip: only whole bracket labels. A bare `Feature:` would do here too, but words in plain text
 *   ("... Slow ...") would also be skipped; `Conformance\]` would also match "[NodeConformance]".
 *   `Feature:` is not `FeatureGate:`, so the SidecarContainers cases (GA in v1.33+) run; the
 *   StopSignal case ([Feature:ContainerStopSignals], alpha, off by default) does not.
 * Both are plain regular expressions that mean the same in Go (RE2) and JavaScript; a unit test
 * checks them against the catalogue.
 */
export const DESCRIBES = [
  'Probing container',
  'Probing restartable init container',
  'Container Lifecycle Hook',
  'Restartable Init Container Lifecycle Hook',
  'Lifecycle Sleep Hook',
  'Lifecycle sleep action zero value',
  'PreStop',
] as const;
export const E2E_FOCUS = `\\[sig-node\\] (\\[[^\\]]+\\] )*(${DESCRIBES.join('|')}) `;
export const E2E_SKIP = '\\[(Feature:[^\\]]+|Serial|Disruptive|Slow|Flaky)\\]';

const focus = new RegExp(E2E_FOCUS);
const skip = new RegExp(E2E_SKIP);

/** Whether e2e.test runs the spec of this full text with E2E_FOCUS and E2E_SKIP. */
export function selectedByFilters(fullText: string): boolean {
  return focus.test(fullText) && !skip.test(fullText);
}

/** Cases of test/e2e_node: run by e2e_node.test (a node e2e binary), never by e2e.test. */
export function isNodeE2eCase(c: Pick<UpstreamCase, 'file'>): boolean {
  return c.file.startsWith('test/e2e_node/');
}

/** The catalogue cases e2e.test runs with these filters, in catalogue order. */
export function casesE2eTestRuns(catalogue: Pick<UpstreamCatalogue, 'cases'>): UpstreamCase[] {
  return catalogue.cases.filter((c) => !isNodeE2eCase(c) && selectedByFilters(c.name));
}

/** Why e2e.test does not run a catalogue case, or undefined when it does. */
export function whyNotRun(c: UpstreamCase): string | undefined {
  if (isNodeE2eCase(c)) return 'a node e2e case (test/e2e_node, run by e2e_node.test, not e2e.test)';
  const label = skip.exec(c.name);
  if (label) return `skipped by --ginkgo.skip (${label[0]})`;
  if (!focus.test(c.name)) return 'not selected by --ginkgo.focus';
  return undefined;
}

/**
 * A --ginkgo.focus that selects exactly these cases (their full names, escaped, anchored at the end:
 * the text Ginkgo matches has more before "[sig-node]", so `^` matches nothing): a run with
 * --scenarios runs upstream's cases of the selected scenarios only. Valid in RE2 and JavaScript.
 */
export function focusOnCases(cases: readonly Pick<UpstreamCase, 'name'>[]): string {
  const escape = (name: string) => name.replace(/\s+/g, ' ').trim().replace(/[\\^$.*+?()[\]{}|]/g, (c) => `\\${c}`);
  return `(?:${cases.map((c) => escape(c.name)).join('|')})$`;
}
