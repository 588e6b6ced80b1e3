import { copyFileSync, cpSync, createWriteStream, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../../run/config.js';
import { SetupError } from '../../common/errors.js';
import type { Log } from '../../common/log.js';
import { formatElapsed } from '../../common/progress.js';
import { DockerBuildProgress, dockerImageExists, LineTail } from '../docker/cli.js';
import { ensureMinbase, offlineBaseKey } from '../images/offline-bases.js';
import { withDirLock } from '../images/lock.js';
import { run } from '../process/run.js';
import { runWithProgress } from '../process/run-with-progress.js';
import { goBuild, kubeBuild, kubeLdflags, KUBE_BUILD_TAGS, neighResetBuild, pauseBuild, type GoBuild } from '../local/binaries.js';
import { requiredVersion } from '../go-mod.js';
import { pinnedRelease, releaseModuleDir, releasesDir, resolveRelease } from '../releases.js';
import {
  nodeImageDir,
  nodeImageKey,
  nodeImageRef,
  planComponents,
  preloadList,
  type ComponentImage,
} from './node-image-recipe.js';

/**
 * Builds the probe-conformance kind node image (docs/kind-node-image.md), or finds it in Docker:
 * `probe-conformance/kind-node:<kubernetes version>-<key>`, where the key hashes the recipe
 * (node-image-recipe.ts). Everything comes from the suite's own sources, the Go module proxy and
 * the Debian mirror; no container registry is asked. Steps:
 *   1. the debootstrap base (ensureMinbase; debootstrap only the first time)
 *   2. Go binaries (goBuild, each cached by its own inputs): kube and pause (the local provider's,
 *      same cache), kubeadm, crictl, etcd, CoreDNS, podnet
 *   3. `kubeadm config images list` says which images the node must hold, under which names
 *   4. the component images (components/<name>/Dockerfile), `docker save`d into one archive
 *   5. the node image (node/Dockerfile): packages, units, binaries, then a stage importing the
 *      archive into the node's containerd, whose store the final image keeps
 * Work files live in <cacheDir>/kind-node/<key>/ (build logs stay there; the large copies go).
 */
export interface KindNodeImage {
  ref: string;
  key: string;
  kubernetesVersion: string;
  /** The names the node's containerd holds (kubeadm's images and the default CNI's). */
  preloaded: string[];
  /** cache: Docker had the image; built: built now. */
  source: 'cache' | 'built';
  /** How long building took (built only). */
  seconds?: number;
}

export interface KindNodeImageOptions {
  config: Pick<RunConfig, 'cacheDir' | 'repoRoot' | 'debianMirror'>;
  log: Log;
  /** The Kubernetes release asked for (`1.35.4` or `v1.35.4`); default: the one the checkout pins. */
  kubernetes?: string;
  /** Build even when Docker has an image with this key. */
  rebuild?: boolean;
  /** Milliseconds between progress lines of the long steps (default 30 s). */
  progressEveryMs?: number;
}

const DOCKER_BUILD_TIMEOUT_MS = 45 * 60_000;

export function kindNodeWorkDir(cacheDir: string, key: string): string {
  return join(cacheDir, 'kind-node', key);
}

/** The Go builds of the node image besides kube and pause (the local provider's). */
export function nodeImageGoBuilds(config: Pick<RunConfig, 'cacheDir' | 'repoRoot'>, kubernetes: string = pinnedRelease(config.repoRoot)): Record<'kubeadm' | 'crictl' | 'etcd' | 'coredns' | 'podnet', GoBuild> {
  const pinned = join(nodeImageDir(config.repoRoot), 'gobuild');
  // Another release builds kubeadm, etcd and CoreDNS in module folders with its own go.mod (releases.ts).
  const dirs = Object.fromEntries(['kubeadm', 'crictl', 'etcd', 'coredns', 'podnet'].map((m) => [m, releaseModuleDir(config, kubernetes, m, join(pinned, m))])) as Record<string, string>;
  const dir = (module: string) => dirs[module]!;
  const version = (module: string, path: string) => requiredVersion(readFileSync(join(dir(module), 'go.mod'), 'utf8'), path);
  const crictl = version('crictl', 'sigs.k8s.io/cri-tools');
  const etcd = version('etcd', 'go.etcd.io/etcd/server/v3');
  const coredns = version('coredns', 'github.com/coredns/coredns');
  const out = (name: string) => join(config.cacheDir, 'kind-node', 'bin', name);
  return {
    kubeadm: { name: 'kubeadm', moduleDir: dir('kubeadm'), outDir: out(`kubeadm-${kubernetes}`), binary: 'kubeadm', tags: KUBE_BUILD_TAGS, ldflags: kubeLdflags(kubernetes), timeoutMs: 60 * 60_000, coldHint: 'after kube: mostly cached packages, ~1-2 min' },
    crictl: { name: 'crictl', moduleDir: dir('crictl'), pkg: 'sigs.k8s.io/cri-tools/cmd/crictl', outDir: out(`crictl-${crictl}`), binary: 'crictl', ldflags: `-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=${crictl}`, timeoutMs: 30 * 60_000 },
    etcd: { name: 'etcd', moduleDir: dir('etcd'), outDir: out(`etcd-${etcd}`), binary: 'etcd', ldflags: '-s -w', timeoutMs: 60 * 60_000 },
    coredns: { name: 'coredns', moduleDir: dir('coredns'), outDir: out(`coredns-${coredns}`), binary: 'coredns', ldflags: '-s -w', timeoutMs: 60 * 60_000 },
    podnet: { name: 'podnet', moduleDir: dir('podnet'), outDir: out('podnet'), binary: 'podnet', ldflags: '-s -w', timeoutMs: 10 * 60_000 },
  };
}

export async function ensureKindNodeImage(options: KindNodeImageOptions): Promise<KindNodeImage> {
  const { config, log } = options;
  const pinned = pinnedRelease(config.repoRoot);
  const kubernetesVersion = resolveRelease(config.repoRoot, options.kubernetes);
  const release = kubernetesVersion === pinned ? undefined : join(releasesDir(config.repoRoot), kubernetesVersion);
  const key = nodeImageKey({ repoRoot: config.repoRoot, baseKey: offlineBaseKey(), kubernetesVersion, arch: process.arch, buildFlags: `${KUBE_BUILD_TAGS} ${kubeLdflags(kubernetesVersion)}`, ...(release ? { releaseDir: release } : {}) });
  const ref = nodeImageRef(kubernetesVersion, key);
  if (!options.rebuild && (await dockerImageExists(ref))) {
    log(`kind node image ${ref}: in Docker already (recipe key ${key})`);
    return { ref, key, kubernetesVersion, preloaded: await preloadedNames(ref), source: 'cache' };
  }
  mkdirSync(join(config.cacheDir, 'kind-node'), { recursive: true });
  return await withDirLock(join(config.cacheDir, 'kind-node', `${key}.lock`), log, `building the kind node image ${ref}`, async () => {
    if (!options.rebuild && (await dockerImageExists(ref))) return { ref, key, kubernetesVersion, preloaded: await preloadedNames(ref), source: 'cache' as const };
    return await build(options, kubernetesVersion, key, ref);
  });
}

export const PRELOADED_LABEL = 'org.probe-conformance.kind-node.preloaded';

/** The node image records what it preloads in a label (written by the build). */
async function preloadedNames(ref: string): Promise<string[]> {
  const r = await run('docker', ['image', 'inspect', '--format', '{{json .Config.Labels}}', ref], { reject: false, timeoutMs: 60_000 });
  if (r.exitCode !== 0) return [];
  try {
    const labels = (JSON.parse(r.stdout) ?? {}) as Record<string, string>;
    return (labels[PRELOADED_LABEL] ?? '').split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}

async function build(options: KindNodeImageOptions, kubernetesVersion: string, key: string, ref: string): Promise<KindNodeImage> {
  const { config, log } = options;
  const started = Date.now();
  const work = kindNodeWorkDir(config.cacheDir, key);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  log(`building the kind node image ${ref} (Kubernetes ${kubernetesVersion}; cold: Go builds, debootstrap base, component images, preload; work dir ${work})`);

  // 1. the base
  const minbase = await ensureMinbase({ cacheDir: config.cacheDir, log, mirror: config.debianMirror, ...(options.progressEveryMs !== undefined ? { progressEveryMs: options.progressEveryMs } : {}) });

  // 2. Go binaries (one after the other: each go build uses every core)
  const builds = nodeImageGoBuilds(config, kubernetesVersion);
  const paced = (b: GoBuild): GoBuild => (options.progressEveryMs !== undefined ? { ...b, progressEveryMs: options.progressEveryMs } : b);
  const kube = kubeBuild(config, kubernetesVersion);
  const bin = {
    kube: await goBuild(paced(kube), log),
    pause: await goBuild(paced(pauseBuild(config)), log),
    neighreset: await goBuild(paced(neighResetBuild(config)), log),
    kubeadm: await goBuild(paced(builds.kubeadm), log),
    crictl: await goBuild(paced(builds.crictl), log),
    etcd: await goBuild(paced(builds.etcd), log),
    coredns: await goBuild(paced(builds.coredns), log),
    podnet: await goBuild(paced(builds.podnet), log),
  };

  // 3. what kubeadm expects in the node
  const listed = await run(bin.kubeadm, ['config', 'images', 'list', '--kubernetes-version', kubernetesVersion], { reject: false, timeoutMs: 60_000 });
  if (listed.exitCode !== 0) {
    throw new SetupError(`${bin.kubeadm} config images list --kubernetes-version ${kubernetesVersion} failed (exit ${listed.exitCode}): ${(listed.stderr || listed.stdout).trim().split('\n').slice(-3).join(' | ')}`, 'rebuild kubeadm (remove its folder under <cache>/kind-node/bin/) and run again');
  }
  const versions = {
    etcd: requiredVersion(readFileSync(join(builds.etcd.moduleDir, 'go.mod'), 'utf8'), 'go.etcd.io/etcd/server/v3'),
    coredns: requiredVersion(readFileSync(join(builds.coredns.moduleDir, 'go.mod'), 'utf8'), 'github.com/coredns/coredns'),
  };
  const plan = planComponents(listed.stdout.split('\n').filter((l) => /^\S+\/\S+:\S+$/.test(l.trim())), versions, kubernetesVersion, key);
  log(`the node will hold: ${plan.components.flatMap((c) => c.nodeNames).join(', ')}`);

  // 4. component images, then one archive of them
  const recipe = nodeImageDir(config.repoRoot);
  for (const component of plan.components) {
    if (!options.rebuild && (await dockerImageExists(component.ref))) continue;
    const dir = join(work, 'components', component.name);
    cpSync(join(recipe, 'components', component.name), dir, { recursive: true });
    if (component.binary) linkOrCopy(bin[component.binary], join(dir, component.binary));
    const base = component.from === 'minbase' ? minbase : component.from === 'base' ? plan.components.find((c) => c.name === 'base')!.ref : undefined;
    await dockerBuild(component.ref, dir, { ...(base ? { BASE: base } : {}) }, join(work, `${component.name}.build.log`), options);
  }
  const nodeDir = join(work, 'node');
  const preloadDir = join(nodeDir, 'preload');
  mkdirSync(preloadDir, { recursive: true });
  const preloaded = plan.components.filter((c) => c.nodeNames.length > 0);
  const archive = join(preloadDir, 'images.tar');
  const t = Date.now();
  await run('docker', ['save', '--output', archive, ...preloaded.map((c) => c.ref)], { timeoutMs: 20 * 60_000 });
  writeFileSync(join(preloadDir, 'images.list'), preloadList(preloaded));
  copyFileSync(join(recipe, 'node', 'preload-images.sh'), join(preloadDir, 'preload-images.sh'));
  log(`saved ${preloaded.length} component images for the preload in ${formatElapsed(Date.now() - t)}`);

  // 5. the node image
  cpSync(join(recipe, 'node', 'Dockerfile'), join(nodeDir, 'Dockerfile'));
  cpSync(join(recipe, 'node', 'files'), join(nodeDir, 'files'), { recursive: true });
  mkdirSync(join(nodeDir, 'bin'), { recursive: true });
  for (const name of ['kube', 'kubeadm', 'crictl', 'neighreset'] as const) linkOrCopy(bin[name], join(nodeDir, 'bin', name));
  const names = preloaded.flatMap((c: ComponentImage) => c.nodeNames);
  await dockerBuild(
    ref,
    nodeDir,
    { BASE: minbase, KUBE_VERSION: kubernetesVersion, PAUSE_IMAGE: plan.pauseImage, PODNET_IMAGE: plan.podnetImage, RECIPE_KEY: key },
    join(work, 'node.build.log'),
    options,
    // the label is set on the final image only (a build argument in the Dockerfile would bust the cache of every step)
    { [PRELOADED_LABEL]: names.join(' ') },
  );

  // the large copies go; the logs stay
  rmSync(nodeDir, { recursive: true, force: true });
  rmSync(join(work, 'components'), { recursive: true, force: true });
  // the component images are inside the node image now; a later build with this key does not need them
  await run('docker', ['image', 'rm', ...plan.components.map((c) => c.ref)], { reject: false, timeoutMs: 5 * 60_000 });
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  log(`built the kind node image ${ref} in ${formatElapsed(Date.now() - started)} (build logs in ${work})`);
  return { ref, key, kubernetesVersion, preloaded: names, source: 'built', seconds };
}

/** A hard link when source and target share a file system (the binaries are 100+ MB), else a copy. */
function linkOrCopy(source: string, target: string): void {
  rmSync(target, { force: true });
  try {
    linkSync(source, target);
  } catch {
    copyFileSync(source, target);
  }
}

/** docker build of one context, its output in logFile, a progress line every 30 s, a SetupError with its last lines on failure. */
async function dockerBuild(ref: string, dir: string, args: Record<string, string>, logFile: string, options: KindNodeImageOptions, labels: Record<string, string> = {}): Promise<void> {
  const { log } = options;
  const argv = ['build', '--force-rm', '-t', ref];
  for (const [name, value] of Object.entries(args)) argv.push('--build-arg', `${name}=${value}`);
  for (const [name, value] of Object.entries(labels)) argv.push('--label', `${name}=${value}`);
  argv.push(dir);
  const stream = createWriteStream(logFile);
  stream.write(`$ docker ${argv.join(' ')}\n`);
  const tail = new LineTail(30);
  const t = Date.now();
  log(`docker build ${ref} (log: ${logFile})`);
  const r = await runWithProgress('docker', argv, {
    log,
    what: `building ${ref}`,
    progress: new DockerBuildProgress(),
    tail: {
      push: (line) => {
        tail.push(line);
        stream.write(`${line}\n`);
      },
    },
    timeoutMs: DOCKER_BUILD_TIMEOUT_MS,
    ...(options.progressEveryMs !== undefined ? { everyMs: options.progressEveryMs } : {}),
  }).catch((err: unknown) => ({ exitCode: -1, stdout: '', stderr: String(err) }));
  stream.write(`exit ${r.exitCode} after ${formatElapsed(Date.now() - t)}\n${r.exitCode === -1 ? r.stderr : ''}`);
  await new Promise<void>((resolve) => stream.end(resolve));
  if (r.exitCode !== 0) {
    throw new SetupError(
      `docker build of ${ref} failed (exit ${r.exitCode}); log: ${logFile}\n  last lines:\n    ${tail.text(12).split('\n').join('\n    ')}`,
      /apt-get|Err:|Could not resolve|Unable to locate package/.test(tail.text())
        ? `the Debian mirror did not serve a package (the base's sources.list names it; PROBE_DEBIAN_MIRROR picks another); read ${logFile}`
        : `read ${logFile}; the Dockerfile is in harness/cluster/kind/node-image/`,
    );
  }
  log(`built ${ref} in ${formatElapsed(Date.now() - t)}`);
}
