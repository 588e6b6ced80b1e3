import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateScenarios } from '../../harness/engine/scenario/validate.js';

// Made in beforeAll, not at load: with -t filtering out every test, neither hook runs (no leak).
let root = '';
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'probe-validate-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function folder(name: string, yaml: string, files: Record<string, string> = {}): void {
  const dir = join(root, 'scenarios', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'scenario.yaml'), yaml);
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
}

it('lists every folder, valid or not, with its problems, and fails when one is invalid', () => {
  const claim = 'claims: [{id: MY-1, source: mine, text: a claim, verdict: confirmed}]\n';
  folder('MY-1-good', `title: t\n${claim}steps: [{apply: pod.yaml}]\n`, { 'pod.yaml': 'kind: Pod' });
  folder('MY-2-bad', `title: t\n${claim}steps:\n  - apply: missing.yaml\n  - expect: {pod: p, event: {reason: Killing}}\n`);
  let out = '';
  const code = validateScenarios(root, (t) => (out += t));
  expect(code).toBe(1);
  expect(out).toContain('  ok       scenarios/MY-1-good (MY-1 confirmed; 1 steps)');
  expect(out).toContain('scenarios/MY-2-bad/scenario.yaml: invalid scenario');
  expect(out).toContain('steps[1].expect: a condition is one of pod, event, endpoint; this one has pod and event');
  expect(out).toContain('2 scenario folder(s): 1 valid, 1 invalid');
});

it('an empty scenarios folder is a failure, not a pass', () => {
  const empty = mkdtempSync(join(tmpdir(), 'probe-validate-empty-'));
  let out = '';
  expect(validateScenarios(empty, (t) => (out += t))).toBe(1);
  expect(out).toMatch(/no scenario folders/);
  rmSync(empty, { recursive: true, force: true });
});
