import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DockerBuildProgress, dockerImageExists, LineTail } from '../docker/cli.js';
import { SetupError } from '../../common/errors.js';
import type { Log } from '../../common/log.js';
import { run, which } from '../process/run.js';
import { runWithProgress } from '../process/run-with-progress.js';
import { DEBIAN_MIRROR_ENV, debianMirror, type DebianMirror } from './debian-mirror.js';
import { withDirLock } from './lock.js';

/**
 * Base images for the demo images without a container registry.
 *
 * Every images/<name>/Dockerfile starts `ARG BASE=<official image>` / `FROM ${BASE}`. With
 * internet the official images are used; offline the harness builds these two bases and passes
 * one of them as --build-arg BASE=...:
 *
 *   debian   Debian bookworm: `debootstrap --variant=minbase` from the Debian mirror of this machine's
 *            apt sources or $PROBE_DEBIAN_MIRROR (see debian-mirror.ts), the rootfs
 *            `docker import`ed, then one `docker build` step installing nodejs, nginx-light, procps
 *            and busybox-static with apt (faster than debootstrap --include, see docs/images.md).
 *   busybox  FROM scratch: the debian base's static /bin/busybox plus one symlink per applet in /bin,
 *            /etc/passwd, /etc/group and /tmp, i.e. the layout of the official busybox image.
 *
 * Everything is keyed by a hash of the recipe below: change the recipe and new tags are built;
 * otherwise existing images are reused, and the rootfs tarball kept under
 * <cacheDir>/images/<key>/ is re-imported if the images were pruned.
 */
export type OfflineBaseKind = 'debian' | 'busybox';
export type OfflineBaseRefs = Record<OfflineBaseKind, string>;

export const OFFLINE_BASE_RECIPE = {
  version: 1,
  suite: 'bookworm',
  variant: 'minbase',
  packages: ['nodejs', 'nginx-light', 'procps', 'busybox-static'],
} as const;

const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function debianDockerfile(minbaseRef: string): string {
  return [
    `FROM ${minbaseRef}`,
    'ARG DEBIAN_FRONTEND=noninteractive',
    `RUN apt-get update && apt-get install -y --no-install-recommends ${OFFLINE_BASE_RECIPE.packages.join(' ')} \\`,
    '    && apt-get clean && rm -rf /var/lib/apt/lists/*',
    'LABEL org.probe-conformance.base=debian',
    '',
  ].join('\n');
}

function busyboxDockerfile(debianRef: string): string {
  const setup = [
    'set -e',
    '/bin/busybox --install -s /bin',
    'mkdir -p /etc /root /home /var /usr/bin /usr/sbin /sbin /tmp',
    'chmod 1777 /tmp',
    "printf 'root:x:0:0:root:/root:/bin/sh\\nnobody:x:65534:65534:nobody:/home:/bin/false\\n' > /etc/passwd",
    "printf 'root:x:0:\\nnobody:x:65534:\\n' > /etc/group",
  ].join('; ');
  return [
    `FROM ${debianRef} AS source`,
    'FROM scratch',
    'COPY --from=source /bin/busybox /bin/busybox',
    `RUN ${JSON.stringify(['/bin/busybox', 'sh', '-c', setup])}`,
    `ENV ${PATH_ENV}`,
    'LABEL org.probe-conformance.base=busybox',
    'CMD ["sh"]',
    '',
  ].join('\n');
}

/** The hash that names this recipe's images and cache folder. */
export function offlineBaseKey(): string {
  const recipe = JSON.stringify({
    ...OFFLINE_BASE_RECIPE,
    arch: process.arch,
    debian: debianDockerfile('MINBASE'),
    busybox: busyboxDockerfile('DEBIAN'),
    path: PATH_ENV,
  });
  return createHash('sha256').update(recipe).digest('hex').slice(0, 12);
}

export function offlineBaseRefs(): OfflineBaseRefs & { minbase: string; key: string } {
  const key = offlineBaseKey();
  const suite = OFFLINE_BASE_RECIPE.suite;
  return {
    key,
    minbase: `probe-conformance/base-minbase:${suite}-${key}`,
    debian: `probe-conformance/base-debian:${suite}-${key}`,
    busybox: `probe-conformance/base-busybox:${key}`,
  };
}

export interface OfflineBaseOptions {
  /** The suite's cache directory (RunConfig.cacheDir); work goes to <cacheDir>/images/. */
  cacheDir: string;
  log: Log;
  /**
   * Debian mirror for debootstrap and apt (RunConfig.debianMirror). Default: the Debian archive in
   * this machine's apt sources (debianMirror()); looked up only when debootstrap has to run.
   */
  mirror?: string | undefined;
  /** Milliseconds between progress lines of the long steps (default 30 s). */
  progressEveryMs?: number;
}

const pending = new Map<string, Promise<OfflineBaseRefs>>();

/** Builds the offline base images unless Docker already has them; returns their references. */
export function ensureOfflineBases(options: OfflineBaseOptions): Promise<OfflineBaseRefs> {
  const id = `${resolve(options.cacheDir)}|${offlineBaseKey()}`;
  let p = pending.get(id);
  if (!p) {
    p = ensureOfflineBasesOnce(options);
    pending.set(id, p);
    // Only concurrent callers share the work; a later call checks Docker again.
    const forget = () => pending.delete(id);
    p.then(forget, forget);
  }
  return p;
}

async function allExist(refs: OfflineBaseRefs): Promise<boolean> {
  return (await dockerImageExists(refs.debian)) && (await dockerImageExists(refs.busybox));
}

async function ensureOfflineBasesOnce(options: OfflineBaseOptions): Promise<OfflineBaseRefs> {
  const refs = offlineBaseRefs();
  const result: OfflineBaseRefs = { debian: refs.debian, busybox: refs.busybox };
  if (await allExist(result)) return result;

  const workDir = join(options.cacheDir, 'images', refs.key);
  mkdirSync(workDir, { recursive: true });
  await withDirLock(join(options.cacheDir, 'images', `offline-bases-${refs.key}.lock`), options.log, 'building the offline base images', async () => {
    if (await allExist(result)) return; // another process built them meanwhile
    const log = options.log;
    const started = Date.now();
    if (!(await dockerImageExists(refs.debian))) {
      if (!(await dockerImageExists(refs.minbase))) await importMinbase(refs, workDir, options);
      await buildFromText(refs.debian, debianDockerfile(refs.minbase), join(workDir, 'debian'), options);
    }
    if (!(await dockerImageExists(refs.busybox))) {
      await buildFromText(refs.busybox, busyboxDockerfile(refs.debian), join(workDir, 'busybox'), options);
    }
    log(`offline base images ready in ${seconds(started)}: ${refs.debian}, ${refs.busybox}`);
  });
  return result;
}

/**
 * The bare debootstrap image alone (OfflineBaseRefs' minbase: Debian minbase with apt pointing at
 * the mirror), for images that want none of the demo packages (the kind node image and its
 * component images): re-imported from the kept rootfs tarball, or debootstrapped, when Docker
 * lacks it. Returns its reference.
 */
export async function ensureMinbase(options: OfflineBaseOptions): Promise<string> {
  const refs = offlineBaseRefs();
  if (await dockerImageExists(refs.minbase)) return refs.minbase;
  const workDir = join(options.cacheDir, 'images', refs.key);
  mkdirSync(workDir, { recursive: true });
  await withDirLock(join(options.cacheDir, 'images', `offline-bases-${refs.key}.lock`), options.log, 'building the offline base images', async () => {
    if (!(await dockerImageExists(refs.minbase))) await importMinbase(refs, workDir, options);
  });
  return refs.minbase;
}

/** `docker import` of the rootfs tarball (debootstrapped first when it is not kept yet) as refs.minbase. */
async function importMinbase(refs: ReturnType<typeof offlineBaseRefs>, workDir: string, options: OfflineBaseOptions): Promise<void> {
  const tarball = join(workDir, 'rootfs.tar');
  if (!existsSync(tarball)) await debootstrapTarball(tarball, workDir, options);
  const t = Date.now();
  await run(
    'docker',
    ['import', '--change', `ENV ${PATH_ENV}`, '--change', 'CMD ["bash"]', '--message', `probe-conformance debootstrap ${refs.key}`, tarball, refs.minbase],
    { timeoutMs: 10 * 60_000 },
  );
  options.log(`imported ${refs.minbase} in ${seconds(t)}`);
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

async function debootstrapTarball(tarball: string, workDir: string, options: OfflineBaseOptions): Promise<void> {
  const { log } = options;
  if (process.getuid?.() !== 0) {
    throw new SetupError(
      'building the offline base images needs root (debootstrap)',
      'run as root, or set PROBE_IMAGE_BASES=official to build from the Docker Hub images',
    );
  }
  const debootstrap = await which('debootstrap');
  if (!debootstrap) {
    throw new SetupError(
      'debootstrap is not installed (needed to build the offline base images)',
      'apt-get install debootstrap, or set PROBE_IMAGE_BASES=official to build from the Docker Hub images',
    );
  }
  const suite = OFFLINE_BASE_RECIPE.suite;
  const source: DebianMirror = debianMirror({ suite, mirror: options.mirror });
  const mirror = source.uri;
  log(`Debian mirror ${mirror} (from ${source.from})`);
  const target = join(workDir, 'rootfs.partial');
  removeTree(target);
  const t = Date.now();
  // The image's apt uses the sources.list debootstrap writes (this mirror); over https it needs CA certificates.
  const include = /^https:/i.test(mirror) ? ['--include=ca-certificates'] : [];
  const args = [`--variant=${OFFLINE_BASE_RECIPE.variant}`, ...include, suite, target, mirror];
  log(`debootstrap ${args.filter((a) => a !== target && a !== mirror).join(' ')} from ${mirror} (about a minute)`);
  const tail = new LineTail(20);
  const progress = new DebootstrapProgress();
  const r = await runWithProgress(debootstrap, args, { log, what: `debootstrap ${suite}`, progress, tail, timeoutMs: 30 * 60_000, everyMs: options.progressEveryMs });
  if (r.exitCode !== 0) {
    let detail = tail.text(8);
    try {
      detail += `\n${readFileSync(join(target, 'debootstrap', 'debootstrap.log'), 'utf8').trim().split('\n').slice(-8).join('\n')}`;
    } catch {
      /* no log */
    }
    removeTree(target);
    throw new Error(
      `debootstrap of ${suite} from ${mirror} (from ${source.from}; ${DEBIAN_MIRROR_ENV} picks another) failed (exit ${r.exitCode}):\n${detail}`,
    );
  }
  log(`debootstrap done in ${seconds(t)}${progress.packages() ? ` (${progress.packages()} packages)` : ''}`);
  unmountUnder(target);
  const tt = Date.now();
  const partialTar = `${tarball}.partial`;
  await run('tar', ['--numeric-owner', '--one-file-system', '-C', target, '-cf', partialTar, '.'], { timeoutMs: 10 * 60_000 });
  renameSync(partialTar, tarball);
  removeTree(target);
  writeFileSync(join(workDir, 'recipe.json'), `${JSON.stringify({ ...OFFLINE_BASE_RECIPE, mirror, mirrorFrom: source.from, arch: process.arch }, null, 2)}\n`);
  log(`packed the rootfs into ${tarball} (${Math.round(statSync(tarball).size / 1e6)} MB) in ${seconds(tt)}`);
}

/** Mount points below dir (debootstrap mounts /proc and /sys in its target; an interrupted run may leave them). */
function mountsUnder(dir: string): string[] {
  const prefix = `${resolve(dir)}/`;
  let text = '';
  try {
    text = readFileSync('/proc/self/mounts', 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((line) => (line.split(' ')[1] ?? '').replace(/\\040/g, ' '))
    .filter((mp) => mp.startsWith(prefix));
}

function unmountUnder(dir: string): void {
  for (const mp of mountsUnder(dir).sort((a, b) => b.length - a.length)) {
    try {
      // Lazy unmount: a busy mount must not stop us from cleaning up.
      execUmount(mp);
    } catch {
      /* checked below */
    }
  }
}

function execUmount(mountPoint: string): void {
  // Synchronous on purpose: unmountUnder runs right before removing the tree.
  const { status } = spawnSync('umount', ['-l', mountPoint], { stdio: 'ignore' });
  if (status !== 0) throw new Error(`umount -l ${mountPoint} failed`);
}

/** rm -rf that refuses to descend into a tree with something mounted in it (a bound /dev, say). */
function removeTree(dir: string): void {
  if (!existsSync(dir)) return;
  unmountUnder(dir);
  const left = mountsUnder(dir);
  if (left.length > 0) {
    throw new SetupError(
      `cannot remove ${dir}: still mounted: ${left.join(', ')}`,
      `unmount them (umount -l ${left.join(' ')}) and re-run`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
}

async function buildFromText(ref: string, dockerfile: string, contextDir: string, options: OfflineBaseOptions): Promise<void> {
  const { log } = options;
  mkdirSync(contextDir, { recursive: true });
  writeFileSync(join(contextDir, 'Dockerfile'), dockerfile);
  const t = Date.now();
  log(`building ${ref}`);
  const tail = new LineTail(30);
  const progress = new DockerBuildProgress();
  const r = await runWithProgress('docker', ['build', '--force-rm', '-t', ref, contextDir], { log, what: `building ${ref}`, progress, tail, timeoutMs: 30 * 60_000, everyMs: options.progressEveryMs });
  if (r.exitCode !== 0) {
    throw new Error(`building the offline base ${ref} failed (docker build exit ${r.exitCode}):\n${tail.text(15)}`);
  }
  log(`built ${ref} in ${seconds(t)}`);
}

/**
 * How far debootstrap is, from its `I:` lines: the package it is at (`I: Retrieving libc6 2.36-9`,
 * `I: Extracting libc6...`, `I: Unpacking libc6...`, `I: Configuring libc6...`) and how many
 * packages each phase has done; every package is retrieved first, so that count is the total of
 * the later phases. Before the first package, its last phase line (`Resolving dependencies ...`).
 */
export class DebootstrapProgress {
  private readonly done: Record<'Retrieving' | 'Validating' | 'Extracting' | 'Unpacking' | 'Configuring', Set<string>> = {
    Retrieving: new Set(),
    Validating: new Set(),
    Extracting: new Set(),
    Unpacking: new Set(),
    Configuring: new Set(),
  };
  private current: string | undefined;

  push(line: string): void {
    const m = /^I: (Retrieving|Validating|Extracting|Unpacking|Configuring) (.+?)(?:\.\.\.)?\s*$/.exec(line.trim());
    if (!m) {
      const phase = /^I: (.+?)\s*$/.exec(line.trim());
      if (phase) this.current = phase[1]!.replace(/\.\.\.$/, '');
      return;
    }
    const verb = m[1] as keyof DebootstrapProgress['done'];
    const words = m[2]!.split(/\s+/);
    const indexFile = /^(InRelease|Release(\.gpg)?|Packages(\.\w+)?)$/.test(words[0]!);
    // `Unpacking required packages`, `Configuring the base system`: phases, not packages.
    const phase = indexFile || ((verb === 'Extracting' || verb === 'Unpacking' || verb === 'Configuring') && words.length > 1);
    const pkg = words[0]!.replace(/:[a-z0-9]+$/, ''); // `Unpacking libacl1:amd64...`
    if (!phase) this.done[verb].add(pkg);
    this.current = `${verb} ${phase ? m[2] : pkg}`;
  }

  /** Packages retrieved so far. */
  packages(): number {
    return this.done.Retrieving.size;
  }

  status(): string | undefined {
    const total = this.done.Retrieving.size;
    if (total === 0) return this.current;
    const counts = [`retrieved ${total}`];
    for (const verb of ['Extracting', 'Unpacking', 'Configuring'] as const) {
      const n = this.done[verb].size;
      if (n > 0) counts.push(`${verb === 'Extracting' ? 'extracted' : verb === 'Unpacking' ? 'unpacked' : 'configured'} ${n} of ${total}`);
    }
    return `${this.current ?? ''} (${counts.join(', ')} packages)`.trim();
  }
}
