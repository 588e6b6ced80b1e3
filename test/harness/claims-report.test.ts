import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { writeClaimsReport } from '../../harness/engine/report/claims.js';

// A repository of two scenarios, one from an article and one from upstream's e2e cases.
let root = '';
const CATALOGUE = `kubernetes: v1.35.4
cases:
  - id: UP-P6
    file: test/e2e/common/node/container_probe.go
    line: 183
    name: "[sig-node] Probing container should *not* be restarted with a tcp:8080 liveness probe [NodeConformance] [Conformance]"
    tags: [NodeConformance, Conformance]
    featureGates: []
    minKubernetes: ""
    setup: agnhost liveness, tcpSocket 8080
    expects: 0 restarts for 4 min
    needs: []
`;
const scenario = (id: string, source: string) => `title: t\nclaims: [{id: ${id}, source: ${source}, text: the claim of ${id}, verdict: confirmed}]\nsteps:\n  - apply: pod.yaml\n`;
const POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: x}]\n';

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'pc-claims-'));
  mkdirSync(join(root, 'scenarios'));
  writeFileSync(join(root, 'scenarios', 'upstream-cases.yaml'), CATALOGUE);
  for (const [dir, id, source] of [
    ['A000-1-x', 'A000-1', '000_be253c666cea4287.txt'],
    ['UP-P6-tcp', 'UP-P6', 'upstream'],
  ]) {
    mkdirSync(join(root, 'scenarios', dir!));
    writeFileSync(join(root, 'scenarios', dir!, 'scenario.yaml'), scenario(id!, source!));
    writeFileSync(join(root, 'scenarios', dir!, 'pod.yaml'), POD);
  }
  mkdirSync(join(root, 'reports'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the claims report', () => {
  test('groups claims by source and shows the upstream test name of an UP- claim', () => {
    const file = writeClaimsReport(root, join(root, 'reports'), { kubernetesVersion: 'v1.35.4', provider: 'local' });
    const md = readFileSync(file, 'utf8');
    const articles = md.indexOf('## The articles (shared/sources)');
    const upstream = md.indexOf("## Upstream Kubernetes' own e2e cases");
    expect(articles).toBeGreaterThan(0);
    expect(upstream).toBeGreaterThan(articles);
    expect(md.slice(articles, upstream)).toContain('| A000-1 | 000 |');
    expect(md.slice(upstream)).toContain('Cases as read in Kubernetes v1.35.4 (scenarios/upstream-cases.yaml). 1 of 1 catalogue cases have a scenario.');
    expect(md.slice(upstream)).toContain('| UP-P6 | [sig-node] Probing container should *not* be restarted with a tcp:8080 liveness probe [NodeConformance] [Conformance] |');
    const json = JSON.parse(readFileSync(join(root, 'reports', 'claims.json'), 'utf8')) as { claims: { claim: string; group: string; upstream?: { tags: string[] } }[] };
    expect(json.claims.map((c) => [c.claim, c.group, c.upstream?.tags])).toEqual([
      ['A000-1', 'articles', undefined],
      ['UP-P6', 'upstream', ['NodeConformance', 'Conformance']],
    ]);
  });
});
