import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { repoRoot } from '../../harness/run/config.js';
import { helpText } from '../../harness/run/options-text.js';

// The real `npm test` entry point, run as a process; only the cases that stop before Jest starts.
const cli = join(repoRoot(), 'harness', 'run', 'cli', 'test-command.mjs');
const runCli = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

describe('npm test flags', () => {
  it('--help lists the suite options and exits 0', () => {
    const r = runCli('--help');
    expect(r.status).toBe(0);
    for (const flag of ['--provider', '--nodes', '--keep-cluster', '--mutations', '--allow-context', '--kind-node-image']) expect(r.stdout).toContain(flag);
  });

  it('an unknown provider is refused with one line naming the choices', () => {
    const r = runCli('--provider', 'minikube');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--provider minikube: use one of local, kind, existing');
  });

  it('a flag without its value is refused', () => {
    const r = runCli('--provider');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--provider needs a value');
  });

  it('without node_modules (install.sh not run yet): one line saying to run it, no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'probe-cli-'));
    try {
      mkdirSync(join(dir, 'harness', 'run', 'cli'), { recursive: true });
      copyFileSync(cli, join(dir, 'harness', 'run', 'cli', 'test-command.mjs'));
      const r = spawnSync(process.execPath, [join(dir, 'harness', 'run', 'cli', 'test-command.mjs')], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr).toBe('probe-conformance: the npm dependencies are not installed (no node_modules/jest)\n  fix: ./install.sh (or npm ci), then npm test\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a node count out of range is refused, as a flag or as its variable', () => {
    const r = runCli('--nodes=0');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('probe-conformance: --nodes 0: use a whole number from 1 to 10 (local: 1 to 4)\n  fix: see npm test -- --help\n');
    const env = spawnSync(process.execPath, [cli], { encoding: 'utf8', env: { ...process.env, PROBE_NODES: '5' } });
    expect(env.status).toBe(2);
    expect(env.stderr.split('\n')[0]).toBe('probe-conformance: PROBE_NODES=5: use a whole number from 1 to 4 with the local provider, or --provider kind');
  });

  it('--help is the text generated from the options table', () => {
    expect(runCli('--help').stdout).toBe(helpText());
  });
});
