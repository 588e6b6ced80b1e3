import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../run/config.js';
import type { Log } from '../common/log.js';
import { goBuild, kubeLdflags, kubeOutDir, type GoBuild } from '../cluster/local/binaries.js';
import { requiredVersion } from '../cluster/go-mod.js';

/**
 * Upstream's own e2e test binary (`e2e.test`) and its test image binary (`agnhost`), built from
 * the Go module in gobuild/e2e/ (the same `require k8s.io/kubernetes` and replace block as the
 * local provider's gobuild/kube/go.mod) with the local provider's Go build runner: cached under
 * <cacheDir>/upstream-e2e/<version>/{e2e,agnhost}/ and rebuilt only when the inputs change
 * (module files, flags, toolchain), with progress lines while a cold build runs.
 */
export function e2eModuleDir(repoRoot: string): string {
  return join(repoRoot, 'harness', 'upstream', 'gobuild', 'e2e');
}

/** The Kubernetes release e2e.test is built from: the `require k8s.io/kubernetes` line of gobuild/e2e/go.mod. */
export function upstreamE2eVersion(repoRoot: string): string {
  return requiredVersion(readFileSync(join(e2eModuleDir(repoRoot), 'go.mod'), 'utf8'), 'k8s.io/kubernetes');
}

export function upstreamE2eOutDir(cacheDir: string, version: string): string {
  return join(cacheDir, 'upstream-e2e', version);
}

type Where = Pick<RunConfig, 'cacheDir' | 'repoRoot'>;

/** A build of the e2e module, into <cache>/upstream-e2e/<version>/<dir>/. */
function e2eModuleBuild(config: Where, dir: string, build: Omit<GoBuild, 'moduleDir' | 'outDir'>): GoBuild {
  return { ...build, moduleDir: e2eModuleDir(config.repoRoot), outDir: join(upstreamE2eOutDir(config.cacheDir, upstreamE2eVersion(config.repoRoot)), dir) };
}

/** `go test -c -o .../e2e/e2e.test k8s.io/kubernetes/test/e2e`, with the version ldflags of the kube build. */
export function e2eTestBuild(config: Where): GoBuild {
  return e2eModuleBuild(config, 'e2e', {
    name: 'e2e.test',
    pkg: 'k8s.io/kubernetes/test/e2e',
    testBinary: true,
    binary: 'e2e.test',
    ldflags: kubeLdflags(upstreamE2eVersion(config.repoRoot)),
    timeoutMs: 120 * 60_000,
    coldHint: 'cold: ~4-5 min on 2 idle cores, 14 min on one; up to 2 GB of memory; warm: a relink, 1-2 min',
  });
}

/** `CGO_ENABLED=0 go build -o .../agnhost/agnhost k8s.io/kubernetes/test/images/agnhost` (static). */
export function agnhostBuild(config: Where): GoBuild {
  return e2eModuleBuild(config, 'agnhost', {
    name: 'agnhost',
    pkg: 'k8s.io/kubernetes/test/images/agnhost',
    binary: 'agnhost',
    ldflags: '-s -w',
    timeoutMs: 60 * 60_000,
    coldHint: 'cold: ~3 min on one core, seconds after e2e.test',
  });
}

export interface UpstreamE2eBinaries {
  version: string;
  e2eTest: string;
  agnhost: string;
}

/** Where the binaries are once built (the test worker runs e2e.test from there). */
export function upstreamE2eBinaryPaths(config: Where): UpstreamE2eBinaries {
  const e2e = e2eTestBuild(config);
  const agnhost = agnhostBuild(config);
  return { version: upstreamE2eVersion(config.repoRoot), e2eTest: join(e2e.outDir, e2e.binary), agnhost: join(agnhost.outDir, agnhost.binary) };
}

/** Builds (or finds in the cache) e2e.test, then agnhost, one after the other. */
export async function ensureUpstreamE2eBinaries(config: Where, log: Log): Promise<UpstreamE2eBinaries> {
  const e2eTest = await goBuild(e2eTestBuild(config), log);
  const agnhost = await goBuild(agnhostBuild(config), log);
  return { version: upstreamE2eVersion(config.repoRoot), e2eTest, agnhost };
}

/**
 * The kubectl e2e.test calls: the suite's own build of that version (a symlink to its multi-call
 * kube binary), which the local provider and a kind node image built here have; else `kubectl`
 * from PATH (kind with kindest/node builds no kube). The probe and hook cases do not call it.
 */
export function kubectlFor(cacheDir: string, kubernetesVersion: string): string {
  const built = join(kubeOutDir(cacheDir, kubernetesVersion), 'kubectl');
  return existsSync(built) ? built : 'kubectl';
}
