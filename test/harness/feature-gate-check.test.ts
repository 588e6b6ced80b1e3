import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { checkFeatureGates, knownGates, unknownGatesProblem } from '../../harness/cluster/local/feature-gate-check.js';

// As kube-apiserver v1.37.2 --help prints them (abridged).
const HELP = [
  '      --feature-gates colonSeparatedMultimapStringString   Comma-separated list of component:key=value pairs ...',
  '                                                           kube:AllAlpha=true|false (ALPHA - default=false)',
  '                                                           kube:ContainerStopSignals=true|false (ALPHA - default=false)',
  '                                                           kube:InPlacePodVerticalScaling=true|false (BETA - default=true)',
].join('\n');

const dir = mkdtempSync(join(tmpdir(), 'probe-gates-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--feature-gates against the release the run built', () => {
  it('reads the gates kube-apiserver --help lists', () => {
    expect([...knownGates(HELP)].sort()).toEqual(['AllAlpha', 'ContainerStopSignals', 'InPlacePodVerticalScaling']);
  });

  it('names a gate the release does not have, and a close known one', () => {
    const known = knownGates(HELP);
    expect(unknownGatesProblem({ ContainerStopSignals: true }, known, 'v1.37.2')).toBeUndefined();
    expect(unknownGatesProblem({ containerstopsignals: true, NoSuchGate: false }, known, 'v1.37.2')).toBe(
      'Kubernetes v1.37.2 has no feature gate containerstopsignals (did you mean ContainerStopSignals?); Kubernetes v1.37.2 has no feature gate NoSuchGate',
    );
    expect(unknownGatesProblem({ Anything: true }, new Set(), 'v1.37.2')).toBeUndefined();
  });

  it('runs the built kube-apiserver --help and refuses before anything starts', async () => {
    const apiserver = join(dir, 'kube-apiserver');
    writeFileSync(apiserver, `#!/bin/sh\ncat <<'END'\n${HELP}\nEND\n`);
    chmodSync(apiserver, 0o755);
    await expect(checkFeatureGates({ ContainerStopSignals: true }, apiserver, 'v1.37.2')).resolves.toBeUndefined();
    await expect(checkFeatureGates({ StopSignals: true }, apiserver, 'v1.37.2')).rejects.toThrow(
      `--feature-gates: Kubernetes v1.37.2 has no feature gate StopSignals (did you mean ContainerStopSignals?)\n  fix: use gates the release lists (${apiserver} --help, under --feature-gates), or leave --feature-gates out`,
    );
  });
});
