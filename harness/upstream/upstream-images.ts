import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BaseMode } from '../run/config.js';
import type { Log } from '../common/log.js';
import { run } from '../cluster/process/run.js';
import { listDemoImages } from '../cluster/images/build.js';
import { ensureOfflineBases } from '../cluster/images/offline-bases.js';
import { singleBinaryImage } from '../cluster/local/images.js';
import { ensureAgnhostImage } from './agnhost-image.js';
import { kubernetesSourceDir, usedImageRefs, MANIFEST_GO } from './test-image-names.js';

/**
 * The images upstream's probe and hook cases run, under the names e2e.test asks for
 * (test-image-names.ts), made in the local Docker engine without a registry:
 *   agnhost  built from upstream's agnhost (agnhost-image.ts)
 *   busybox  a retag of the suite's busybox (images/busybox)
 *   nginx    a retag of the suite's nginx (images/nginx; only UP-PS2 runs it, with an exec preStop)
 *   pause    the local provider's pause binary as a one-file image (the image of the http hooks' target pods)
 * Returns their references, for the provider's loadImages (docker save | ctr import).
 */
export interface UpstreamImagesOptions {
  repoRoot: string;
  cacheDir: string;
  /** RunConfig.imageBases as chosen for this run: the agnhost image's Debian base. */
  imageBases: BaseMode;
  debianMirror?: string | undefined;
  /** Where the outputs of this version go (upstreamE2eOutDir). */
  outDir: string;
  agnhostBinary: string;
  pauseBinary: string;
  log: Log;
}

/** The suite's own image of an images/<folder>, which must exist (buildDemoImages made it). */
function demoImageRef(repoRoot: string, folder: string): string {
  const image = listDemoImages(repoRoot).find((i) => i.folder === folder);
  if (!image) throw new Error(`no images/${folder}/Dockerfile: upstream's ${folder} image is a retag of it`);
  return image.ref;
}

export async function ensureUpstreamImages(options: UpstreamImagesOptions): Promise<string[]> {
  const { log } = options;
  const source = await kubernetesSourceDir(options.repoRoot);
  const refs = usedImageRefs(readFileSync(join(source, MANIFEST_GO), 'utf8'));
  const base = options.imageBases === 'offline' ? (await ensureOfflineBases({ cacheDir: options.cacheDir, mirror: options.debianMirror, log })).debian : undefined;
  await ensureAgnhostImage({
    repoRoot: options.repoRoot,
    ref: refs.Agnhost,
    agnhostBinary: options.agnhostBinary,
    kubernetesSource: source,
    base,
    workDir: join(options.outDir, 'agnhost-image'),
    log,
  });
  for (const [folder, ref] of [['busybox', refs.BusyBox], ['nginx', refs.Nginx]] as const) {
    await run('docker', ['tag', demoImageRef(options.repoRoot, folder), ref], { timeoutMs: 60_000 });
  }
  mkdirSync(options.outDir, { recursive: true });
  const archive = join(options.outDir, 'pause-image.tar');
  writeFileSync(archive, singleBinaryImage(refs.Pause, 'pause', readFileSync(options.pauseBinary)));
  try {
    await run('docker', ['load', '--input', archive], { timeoutMs: 5 * 60_000 });
  } finally {
    rmSync(archive, { force: true });
  }
  const all = [refs.Agnhost, refs.BusyBox, refs.Nginx, refs.Pause];
  log(`upstream e2e images ready: ${all.join(' ')}`);
  return all;
}
