import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { repoRoot } from '../../harness/run/config.js';
import { discoverScenarioDirs, loadScenario, ScenarioFileError } from '../../harness/engine/scenario/load.js';

// Made in beforeAll, not at load: with -t filtering out every test, neither hook runs (no leak).
let tmp = '';
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'pc-load-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function scenarioDir(name: string, yaml: string, files: Record<string, string> = {}): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'scenario.yaml'), yaml);
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}

const claim = 'claims: [{id: A000-1, source: a.txt, text: a claim, verdict: confirmed}]\n';
/** A Pod p with one container c, applied by a first step `apply: pod.yaml`. */
const POD = { 'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: x}]\n' };
const applyPod = '  - apply: pod.yaml\n';

function problemsOf(dir: string): string {
  try {
    loadScenario(dir, tmp);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioFileError);
    expect((e as Error).message).toContain(join(dir, 'scenario.yaml').slice(tmp.length + 1));
    return (e as ScenarioFileError).problems.join('\n');
  }
  throw new Error('expected the scenario to be rejected');
}

describe('scenario files', () => {
  test('every scenario folder in the repository loads', () => {
    const dirs = discoverScenarioDirs(join(repoRoot(), 'scenarios'));
    expect(dirs.length).toBeGreaterThan(0);
    for (const dir of dirs) expect(loadScenario(dir, repoRoot()).spec.claims.length).toBeGreaterThan(0);
  });

  test('a valid file loads with defaults filled in', () => {
    const dir = scenarioDir('ok', `title: t\n${claim}steps:\n  - apply: pod.yaml\n  - expect: {pod: p, containers: {c: {ready: true}}}\n`, POD);
    const s = loadScenario(dir, tmp);
    expect(s.spec.timeout).toBe('5m');
    expect(s.spec.steps[1]).toMatchObject({ within: '60s' });
  });

  test('a missing manifest names the step and the file', () => {
    const dir = scenarioDir('missing', `title: t\n${claim}steps:\n  - apply: nope.yaml\n`);
    expect(problemsOf(dir)).toMatch(/steps\[0\]\.apply: manifest nope\.yaml not found/);
  });

  test('an unknown field inside a step is named with its path', () => {
    const dir = scenarioDir('unknown', `title: t\n${claim}steps:\n  - expect: {pod: p, containers: {c: {redy: true}}}\n`);
    expect(problemsOf(dir)).toMatch(/steps\[0\]\.expect\.containers\.c: unknown field\(s\): redy/);
  });

  test('a bad verdict and a bad claim ID are reported together', () => {
    const dir = scenarioDir('verdict', `title: t\nclaims: [{id: X1, source: a, text: b, verdict: maybe}]\nsteps: [{apply: a.yaml}]\n`, { 'a.yaml': '' });
    const p = problemsOf(dir);
    expect(p).toMatch(/claims\[0\]\.id: a claim ID: capitals, a dash, then a number or name/);
    expect(p).toMatch(/claims\[0\]\.verdict/);
  });

  test('claims from any source: article and own IDs load; lower case or no dash does not', () => {
    for (const id of ['A000-1', 'A000-2a', 'MY-1', 'TEAM2-readiness.v2']) {
      const dir = scenarioDir(`id-${id}`, `title: t\nclaims: [{id: ${id}, source: a, text: b, verdict: confirmed}]\nsteps: [{apply: a.yaml}]\n`, { 'a.yaml': '' });
      expect(loadScenario(dir, tmp).spec.claims[0]!.id).toBe(id);
    }
    for (const id of ['a000-1', 'A0001', '-1', 'A000-']) {
      const dir = scenarioDir(`bad-${id}`, `title: t\nclaims: [{id: "${id}", source: a, text: b, verdict: confirmed}]\nsteps: [{apply: a.yaml}]\n`, { 'a.yaml': '' });
      expect(problemsOf(dir)).toMatch(/claims\[0\]\.id: a claim ID/);
    }
  });

  test('an UP- claim must be a case of scenarios/upstream-cases.yaml', () => {
    const dir = scenarioDir('up-unknown', `title: t\nclaims: [{id: UP-P99, source: upstream, text: b, verdict: confirmed}]\nsteps: [{apply: a.yaml}]\n`, { 'a.yaml': '' });
    expect(problemsOf(dir)).toContain('claims[0].id: UP-P99: UP- claims are upstream e2e cases, but scenarios/upstream-cases.yaml does not exist');
  });

  test('regexes are checked at load: leading (?i) is understood, other inline flags and bad syntax are named', () => {
    const step = (m: string) => `title: t\n${claim}steps:\n  - expect: {event: {reason: Unhealthy, message: {matches: '${m}'}}}\n`;
    expect(() => loadScenario(scenarioDir('re-ok', step('(?i)timed OUT')), tmp)).not.toThrow();
    expect(problemsOf(scenarioDir('re-mid', step('probe (?i)timed out')))).toMatch(
      /steps\[0\]\.expect\.event\.message\.matches: inline flags such as \(\?i\) are only understood at the very start/,
    );
    expect(problemsOf(scenarioDir('re-bad', step('timed (out')))).toMatch(/steps\[0\]\.expect\.event\.message\.matches: not a valid JavaScript regular expression: \/timed \(out\//);
    const inList = `title: t\n${claim}steps:\n  - holds: [{pod: p}, {event: {reason: {matches: '['}}}]\n    for: 5s\n`;
    expect(problemsOf(scenarioDir('re-list', inList))).toMatch(/steps\[0\]\.holds\[1\]\.event\.reason\.matches: not a valid/);
  });

  test('a condition mixing pod and event keys is named as such, not as a missing endpoint', () => {
    const dir = scenarioDir('mixed', `title: t\n${claim}steps:\n  - apply: a.yaml\n  - expect: {pod: p, event: {reason: Killing}}\n`, { 'a.yaml': '' });
    expect(problemsOf(dir)).toBe(`steps[1].expect: a condition is one of pod, event, endpoint; this one has pod and event (make it a list of 2 conditions)`);
    const none = scenarioDir('none', `title: t\n${claim}steps:\n  - holds: [{pod: p}, {reason: Killing}]\n    for: 5s\n`);
    expect(problemsOf(none)).toBe('steps[0].holds[1]: a condition is one of pod, event, endpoint; this one has none of them (fields: reason)');
  });

  test('a bad time expression and an unknown "since" step are reported', () => {
    const dir = scenarioDir(
      'time',
      `title: t\n${claim}steps:\n  - expect: {pod: p}\n    within: 10 parsecs\n  - expect: {pod: p}\n    since: nowhere\n    between: [1s, 2s]\n`,
    );
    const p = problemsOf(dir);
    expect(p).toMatch(/steps\[0\]\.within: cannot read "parsecs"/);
    expect(p).toMatch(/steps\[1\]\.since: no earlier step is named "nowhere"/);
  });

  test('"since" names an earlier step, not the step itself', () => {
    const dir = scenarioDir('self', `title: t\n${claim}steps:\n${applyPod}  - name: me\n    expect: {pod: p}\n    since: me\n    between: [1s, 2s]\n`, POD);
    expect(problemsOf(dir)).toBe('steps[1].since: no earlier step is named "me" (or use start:<pod>/<container>)');
  });

  test("nodeFile removes only a path naming the run's ${NAMESPACE}", () => {
    const step = (fields: string) => `title: t\n${claim}steps:\n${applyPod}  - nodeFile: {pod: p, expect: {exists: false}, ${fields}}\n`;
    expect(problemsOf(scenarioDir('rm-default', step('path: /etc/hostname'), POD))).toBe(
      'steps[1].nodeFile.remove: removes /etc/hostname on the node when the scenario ends; only an absolute path naming this run\'s ${NAMESPACE} is removed (or set remove: false)',
    );
    expect(problemsOf(scenarioDir('rm-dir', step('path: "/tmp/x-${NAMESPACE}/f", remove: /tmp'), POD))).toMatch(/^steps\[1\]\.nodeFile\.remove: removes \/tmp on the node/);
    for (const fields of ['path: /etc/hostname, remove: false', 'path: "/tmp/x-${NAMESPACE}/f"', 'path: "/tmp/x-${NAMESPACE}/f", remove: "/tmp/x-${NAMESPACE}"']) {
      expect(loadScenario(scenarioDir(`rm-ok-${fields.length}`, step(fields), POD), tmp).spec.steps).toHaveLength(2);
    }
  });

  test('pods and containers that steps name are Pods of the manifests, with those containers', () => {
    const yaml = `title: t\n${claim}steps:\n${applyPod}  - expect: [{pod: q}, {event: {reason: Killing, pod: p, container: d}}]\n  - exec: {pod: p, container: c, command: ["true"]}\n  - logs: {pod: p, container: x, expect: {matches: a}}\n  - expect: {pod: p}\n    since: start:p/nope\n    between: [1s, 2s]\n`;
    expect(problemsOf(scenarioDir('refs', yaml, POD)).split('\n')).toEqual([
      'steps[1].expect[0].pod: no Pod named "q" in the manifests this scenario applies (pod.yaml); Pods there: p',
      'steps[1].expect[1].event.pod: Pod "p" has no container "d" (it has c)',
      'steps[3].logs.pod: Pod "p" has no container "x" (it has c)',
      'steps[4].since: Pod "p" has no container "nope" (it has c)',
    ]);
  });

  test('YAML syntax errors are reported as such', () => {
    const dir = scenarioDir('yaml', 'title: [unclosed\n');
    expect(problemsOf(dir)).toMatch(/^YAML: /);
  });

  test('a folder without scenario.yaml is an error, not a silent skip', () => {
    const dir = join(tmp, 'empty');
    mkdirSync(dir, { recursive: true });
    expect(problemsOf(dir)).toMatch(/missing scenario\.yaml/);
  });
});

describe('${podIP:<pod>} in manifests', () => {
  const HANDLER = { 'handler.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: handler}\nspec:\n  containers: [{name: h, image: x}]\n' };
  const hooked = (host: string) => ({
    'hooked.yaml': `apiVersion: v1\nkind: Pod\nmetadata: {name: hooked}\nspec:\n  containers:\n    - name: c\n      image: x\n      command: [sh, -c, 'echo \${HOME}']\n      lifecycle: {postStart: {httpGet: {host: "${host}", path: /record/poststart, port: 8080}}}\n`,
  });

  test('loads when the named pod comes from an earlier apply (a shell ${VAR} in a command is left alone)', () => {
    const dir = scenarioDir('ip-ok', `title: t\n${claim}steps:\n  - apply: handler.yaml\n  - apply: hooked.yaml\n`, { ...HANDLER, ...hooked('${podIP:handler}') });
    expect(loadScenario(dir, tmp).spec.steps).toHaveLength(2);
  });

  test('a pod of the same step, of a later step, or of no manifest is named at load', () => {
    const same = scenarioDir('ip-same', `title: t\n${claim}steps:\n  - apply: [handler.yaml, hooked.yaml]\n`, { ...HANDLER, ...hooked('${podIP:handler}') });
    expect(problemsOf(same)).toContain('steps[0]: hooked.yaml: ${podIP:handler} names no Pod that an earlier apply step creates; apply pod handler in a step before this one');
    const typo = scenarioDir('ip-typo', `title: t\n${claim}steps:\n  - apply: handler.yaml\n  - apply: hooked.yaml\n`, { ...HANDLER, ...hooked('${podIP:handlr}') });
    expect(problemsOf(typo)).toContain('steps[1]: hooked.yaml: ${podIP:handlr} names no Pod that an earlier apply step creates (earlier Pods: handler); apply pod handlr in a step before this one');
    const spelt = scenarioDir('ip-spelt', `title: t\n${claim}steps:\n  - apply: handler.yaml\n  - apply: hooked.yaml\n`, { ...HANDLER, ...hooked('${podip-handler}') });
    expect(problemsOf(spelt)).toContain('steps[1]: hooked.yaml: ${podip-handler} is not a placeholder: write ${podIP:<pod name>}');
  });
});
