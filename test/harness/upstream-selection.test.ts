import { describe, expect, it } from '@jest/globals';
import { repoRoot } from '../../harness/run/config.js';
import { upstreamCatalogue } from '../../harness/engine/scenario/upstream-cases.js';
import { casesE2eTestRuns, E2E_FOCUS, E2E_SKIP, focusOnCases, selectedByFilters, whyNotRun } from '../../harness/upstream/e2e-selection.js';
import { e2eTestArgs } from '../../harness/upstream/run-e2e.js';

// --ginkgo.focus and --ginkgo.skip against the catalogue's names (the full texts Ginkgo matches).
const catalogue = upstreamCatalogue(repoRoot())!;
const ids = (cases: { id: string }[]) => cases.map((c) => c.id);

describe("e2e.test's filters select exactly the catalogue's e2e.test cases", () => {
  it('every case of container_probe.go, lifecycle_hook.go and pre_stop.go but the alpha StopSignal one', () => {
    const runs = casesE2eTestRuns(catalogue);
    const expected = catalogue.cases.filter((c) => !c.file.startsWith('test/e2e_node/') && c.id !== 'UP-SIG1');
    expect(ids(runs)).toEqual(ids(expected));
    expect(runs).toHaveLength(64);
    // the restartable-init-container twins, whose labels sit between "[sig-node]" and the Describe text
    expect(ids(runs).filter((id) => id.startsWith('UP-SC-'))).toHaveLength(29);
  });

  it('says why the others are not run', () => {
    expect(whyNotRun(catalogue.byId.get('UP-SIG1')!)).toBe('skipped by --ginkgo.skip ([Feature:ContainerStopSignals])');
    expect(whyNotRun(catalogue.byId.get('UP-L1')!)).toMatch(/^a node e2e case/);
    expect(whyNotRun(catalogue.byId.get('UP-P1')!)).toBeUndefined();
  });

  it('skips labels only: [NodeConformance], [Conformance] and [FeatureGate:...] pass, words in the text do not skip', () => {
    expect(selectedByFilters('[sig-node] [NodeConformance] [FeatureGate:SidecarContainers] Probing restartable init container x [NodeConformance] [Conformance]')).toBe(true);
    expect(selectedByFilters('[sig-node] Probing container should not be Slow or Flaky')).toBe(true);
    for (const label of ['[Serial]', '[Disruptive]', '[Slow]', '[Flaky]', '[Feature:OffByDefault]']) {
      expect(selectedByFilters(`[sig-node] Probing container x ${label}`)).toBe(false);
    }
  });

  it('focuses on those Describes only', () => {
    expect(selectedByFilters('[sig-node] Pods should be submitted and removed [NodeConformance] [Conformance]')).toBe(false);
    expect(selectedByFilters('[sig-node] Probing containers elsewhere')).toBe(false);
    expect(selectedByFilters('[sig-storage] PreStop something')).toBe(false);
  });

  it("passes them to e2e.test as one argument each, with the report and progress flags", () => {
    const args = e2eTestArgs({ kubeconfig: '/k/admin.kubeconfig', kubectl: '/c/kubectl', reportDir: '/r/upstream-e2e', progressUrl: 'http://127.0.0.1:1/progress' });
    expect(args).toContain(`--ginkgo.focus=${E2E_FOCUS}`);
    expect(args).toContain(`--ginkgo.skip=${E2E_SKIP}`);
    const after = (flag: string) => args[args.indexOf(flag) + 1];
    expect(after('--kubeconfig')).toBe('/k/admin.kubeconfig');
    expect(after('--provider')).toBe('local');
    expect(after('--kubectl-path')).toBe('/c/kubectl');
    expect(after('--ginkgo.timeout')).toBe('2h');
    expect(after('--report-dir')).toBe('/r/upstream-e2e');
    expect(after('--ginkgo.json-report')).toBe('/r/upstream-e2e/report.json');
    expect(after('--progress-report-url')).toBe('http://127.0.0.1:1/progress');
  });
});

describe('a focus on some cases (a run with --scenarios)', () => {
  it('matches exactly the named cases, brackets, asterisks and quotes escaped', () => {
    const some = ['UP-P4', 'UP-P20', 'UP-SC-P3', 'UP-H4'].map((id) => catalogue.byId.get(id)!);
    const focus = new RegExp(focusOnCases(some));
    const matched = catalogue.cases.filter((c) => focus.test(c.name)).map((c) => c.id);
    expect(matched.sort()).toEqual(['UP-H4', 'UP-P20', 'UP-P4', 'UP-SC-P3']);
  });
});
