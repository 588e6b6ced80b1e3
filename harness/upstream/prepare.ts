import type { ChosenConfig } from '../cluster/registry-choice.js';
import type { Log } from '../common/log.js';
import { goBuild, pauseBuild } from '../cluster/local/binaries.js';
import { resolveRelease } from '../cluster/releases.js';
import { ensureUpstreamE2eBinaries, upstreamE2eOutDir } from './e2e-binaries.js';
import { ensureUpstreamImages } from './upstream-images.js';

/**
 * What global setup does for --upstream-e2e, in its images stage (after the demo images, which
 * two of upstream's images are retags of): builds e2e.test and agnhost, makes upstream's test
 * images, and returns their references for the provider's loadImages (local: ctr import; kind:
 * kind load). Not for the existing provider (the option refuses it before anything starts).
 */
export async function prepareUpstreamE2e(config: ChosenConfig, log: Log): Promise<string[]> {
  const binaries = await ensureUpstreamE2eBinaries(config, log);
  const cluster = resolveRelease(config.repoRoot, config.kubernetes);
  if (binaries.version !== cluster) {
    throw new Error(`e2e.test is built from Kubernetes ${binaries.version} (harness/upstream/gobuild/e2e/go.mod) but the cluster runs ${cluster}: run --upstream-e2e without --kubernetes (it then runs ${binaries.version})`);
  }
  const pause = await goBuild(pauseBuild(config), log);
  return ensureUpstreamImages({
    repoRoot: config.repoRoot,
    cacheDir: config.cacheDir,
    imageBases: config.imageBases,
    debianMirror: config.debianMirror,
    outDir: upstreamE2eOutDir(config.cacheDir, binaries.version),
    agnhostBinary: binaries.agnhost,
    pauseBinary: pause,
    log,
  });
}
