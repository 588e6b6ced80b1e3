import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BaseMode, ProviderName } from '../../run/config.js';
import { SetupError } from '../../common/errors.js';
import { debianMirror } from '../images/debian-mirror.js';
import { OFFLINE_BASE_RECIPE, offlineBaseKey, offlineBaseRefs } from '../images/offline-bases.js';
import { run } from '../process/run.js';
import { combine, found, missing, type CheckResult } from './check.js';
import { findExecutable } from './executables.js';
import { installFix } from './install-hint.js';

/**
 * The demo images' base images: `official` ones come from Docker Hub; `offline` ones are built
 * here with debootstrap (root), unless Docker already has them or the rootfs tarball is cached
 * (harness/cluster/images/offline-bases.ts). The mode is RunConfig.imageBases.
 */
export interface ImageBaseOptions {
  provider: ProviderName;
  mode: BaseMode;
  /** RunConfig.debianMirror. */
  mirror?: string | undefined;
  cacheDir: string;
  path?: string;
  uid?: number;
  /** A docker CLI whose engine answers: asked whether the offline bases are already built. */
  docker?: string;
  /** Where apt's sources are (tests); default /etc/apt. */
  aptDir?: string;
}

export function cachedRootfs(cacheDir: string): string {
  return join(cacheDir, 'images', offlineBaseKey(), 'rootfs.tar');
}

async function basesInDocker(docker: string): Promise<boolean> {
  const refs = offlineBaseRefs();
  const r = await run(docker, ['image', 'inspect', '--format', '{{.Id}}', refs.debian, refs.busybox], { reject: false, timeoutMs: 20_000 }).catch(() => undefined);
  return r?.exitCode === 0;
}

export async function checkImageBases(options: ImageBaseOptions): Promise<CheckResult & { mode?: BaseMode }> {
  const mode = options.mode;
  if (mode === 'official') return { ...found('image bases', 'official (pulled from Docker Hub)'), mode };
  if (options.docker && (await basesInDocker(options.docker))) return { ...found('image bases', 'offline, already built in Docker'), mode };
  const tarball = cachedRootfs(options.cacheDir);
  if (existsSync(tarball)) return { ...found('image bases', `offline, rootfs cached in ${tarball}`), mode };
  const official = 'or use --image-bases official (needs Docker Hub)';
  if ((options.uid ?? process.getuid?.()) !== 0) {
    return {
      ...missing('debootstrap', 'building the offline base images needs root', {
        what: 'the offline base images are built with debootstrap, which needs root',
        fix: `run as root, ${official}`,
      }),
      mode,
    };
  }
  const debootstrap = findExecutable('debootstrap', options.path);
  if (!debootstrap) {
    return {
      ...missing('debootstrap', 'not on PATH (apt package debootstrap)', {
        what: 'debootstrap is not installed (it builds the offline base images of the demo images)',
        // install.sh installs debootstrap for the local provider only
        fix: `${options.provider === 'local' ? installFix('local', ['debootstrap']) : 'sudo apt-get install debootstrap'}, ${official}`,
      }),
      mode,
    };
  }
  return { ...combine(found('debootstrap', `${debootstrap} (builds the offline base images)`), checkDebianMirror(options)), mode };
}

/** The Debian mirror debootstrap will install from (only asked when debootstrap is to run). */
function checkDebianMirror(options: ImageBaseOptions): CheckResult {
  try {
    const m = debianMirror({ suite: OFFLINE_BASE_RECIPE.suite, mirror: options.mirror, aptDir: options.aptDir });
    return found('Debian mirror', `${m.uri} (from ${m.from})`);
  } catch (e) {
    if (!(e instanceof SetupError)) throw e;
    return missing('Debian mirror', 'none in the apt sources', { what: e.cause_, fix: e.fix });
  }
}
