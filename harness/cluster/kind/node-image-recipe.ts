import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SetupError } from '../../common/errors.js';
import { normalizeImageRef } from '../local/images.js';

/**
 * The recipe of the probe-conformance kind node image (docs/kind-node-image.md), as pure
 * functions: where its files are, the key that names a build of it, which component images it
 * preloads under which names. node-image.ts does the building.
 *
 * Files (harness/cluster/kind/node-image/):
 *   node/Dockerfile, node/files/, node/preload-images.sh   the node image
 *   components/<name>/Dockerfile                           the images preloaded into it
 *   gobuild/{kubeadm,crictl,coredns,etcd,podnet}/          Go wrapper modules (with the local
 *                                                          provider's gobuild/kube, pause and neighreset)
 */
export const NODE_IMAGE_RECIPE_VERSION = 1;

/** What the node image is called in Docker: probe-conformance/kind-node:<kubernetes version>-<key>. */
export const NODE_IMAGE_REPOSITORY = 'probe-conformance/kind-node';

export function nodeImageDir(repoRoot: string): string {
  return join(repoRoot, 'harness', 'cluster', 'kind', 'node-image');
}

export function nodeImageRef(kubernetesVersion: string, key: string): string {
  return `${NODE_IMAGE_REPOSITORY}:${kubernetesVersion}-${key}`;
}

/** Whether an image reference names one of these images (PROBE_KIND_NODE_IMAGE, reports). */
export function isSuiteNodeImage(ref: string): boolean {
  return ref.split('@')[0]!.startsWith(`${NODE_IMAGE_REPOSITORY}:`);
}

/** The files of a directory tree, relative paths sorted (for hashing). */
function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[]).filter((f) => statSync(join(dir, f)).isFile()).sort();
}

export interface NodeImageKeyInputs {
  repoRoot: string;
  /** offlineBaseKey(): the debootstrap base the images start from. */
  baseKey: string;
  kubernetesVersion: string;
  /** process.arch (the images are built for the machine's own architecture). */
  arch: string;
  /** Ldflags and tags of the Go builds that are not in the module files (e.g. kubeLdflags). */
  buildFlags: string;
  /** harness/cluster/releases/<version>/ for a release other than the pinned one. */
  releaseDir?: string;
}

/**
 * The cache key of a node image: a hash of everything it is made from that the suite controls —
 * the recipe folder (Dockerfiles, files, scripts, wrapper modules with their go.sum), the local
 * provider's kube and pause modules, the base's key, the version, the architecture and the build
 * flags. Not in it: the Go toolchain, and the Debian packages the mirror serves on the day (a
 * point release changes them without changing the key; --rebuild builds anew).
 */
export function nodeImageKey(inputs: NodeImageKeyInputs): string {
  const hash = createHash('sha256');
  hash.update(`recipe ${NODE_IMAGE_RECIPE_VERSION}\nbase ${inputs.baseKey}\nkubernetes ${inputs.kubernetesVersion}\narch ${inputs.arch}\nflags ${inputs.buildFlags}\n`);
  const trees: Array<[string, string]> = [
    ['node-image', nodeImageDir(inputs.repoRoot)],
    ['local/kube', join(inputs.repoRoot, 'harness', 'cluster', 'local', 'gobuild', 'kube')],
    ['local/pause', join(inputs.repoRoot, 'harness', 'cluster', 'local', 'gobuild', 'pause')],
    ['local/neighreset', join(inputs.repoRoot, 'harness', 'cluster', 'local', 'gobuild', 'neighreset')],
  ];
  // another release's go.mod and go.sum (releases.ts); the pinned release has none, and its key is as before
  if (inputs.releaseDir) trees.push(['release', inputs.releaseDir]);
  for (const [label, dir] of trees) {
    for (const file of filesUnder(dir)) {
      hash.update(`${label}/${relative(dir, join(dir, file))}\n`);
      hash.update(readFileSync(join(dir, file)));
      hash.update('\n');
    }
  }
  return hash.digest('hex').slice(0, 12);
}

/** The component images a node image preloads (one folder under components/ each). */
export type ComponentName = 'base' | 'kube' | 'etcd' | 'coredns' | 'pause' | 'podnet';

export interface ComponentImage {
  name: ComponentName;
  /** The name it is built under in the host's Docker (never an upstream name). */
  ref: string;
  /** The component it is built FROM (BASE), if any: 'minbase' or 'base'. */
  from?: 'minbase' | 'base';
  /** The binary copied into its build context (none for base). */
  binary?: 'kube' | 'etcd' | 'coredns' | 'pause' | 'podnet';
  /** The names it has in the node's containerd (kubeadm's); empty for base, which is only a parent. */
  nodeNames: string[];
}

export function componentRef(name: ComponentName, key: string): string {
  return `probe-conformance/kind-${name}:${key}`;
}

/** The versions of the Go modules that must match what kubeadm expects. */
export interface ModuleVersions {
  /** go.etcd.io/etcd/server/v3 of gobuild/etcd, e.g. v3.6.6 */
  etcd: string;
  /** github.com/coredns/coredns of gobuild/coredns, e.g. v1.13.1 */
  coredns: string;
}

/** registry.k8s.io/etcd:3.6.6-0 -> { repository: 'registry.k8s.io/etcd', tag: '3.6.6-0' } */
function splitRef(ref: string): { repository: string; tag: string } {
  const colon = ref.lastIndexOf(':');
  if (colon <= ref.lastIndexOf('/')) return { repository: ref, tag: '' };
  return { repository: ref.slice(0, colon), tag: ref.slice(colon + 1) };
}

const KUBE_IMAGES = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy'];

/**
 * The component images for the images `kubeadm config images list --kubernetes-version <v>`
 * names (what kind's node image builder preloads too), plus the default CNI's image.
 * kubeadm's etcd and CoreDNS tags must be the versions gobuild/etcd and gobuild/coredns build:
 * the image named registry.k8s.io/etcd:3.6.6-0 holds etcd 3.6.6. A mismatch (a new Kubernetes
 * release asking for another etcd) is a SetupError naming the go.mod to change.
 */
export function planComponents(kubeadmImages: string[], versions: ModuleVersions, kubernetesVersion: string, key: string): { components: ComponentImage[]; pauseImage: string; podnetImage: string } {
  const listed = kubeadmImages.map((l) => l.trim()).filter(Boolean);
  const byName = new Map<string, string>();
  for (const ref of listed) byName.set(splitRef(ref).repository.split('/').pop()!, ref);
  const need = (name: string): string => {
    const ref = byName.get(name);
    if (!ref) throw new SetupError(`kubeadm config images list names no ${name} image (it listed: ${listed.join(', ') || 'nothing'})`, 'check the kubeadm build (gobuild/kubeadm) and its version');
    return ref;
  };
  const unknown = listed.filter((ref) => ![...KUBE_IMAGES, 'etcd', 'coredns', 'pause'].includes(splitRef(ref).repository.split('/').pop()!));
  if (unknown.length > 0) {
    throw new SetupError(`kubeadm ${kubernetesVersion} expects images this recipe does not build: ${unknown.join(', ')}`, 'add a component for them under harness/cluster/kind/node-image/components/ and to planComponents');
  }
  const kubeRefs = KUBE_IMAGES.map(need);
  const wrongTag = kubeRefs.filter((ref) => splitRef(ref).tag !== kubernetesVersion);
  if (wrongTag.length > 0) throw new SetupError(`kubeadm ${kubernetesVersion} expects ${wrongTag.join(', ')}: not its own version`, 'check the ldflags of the kubeadm build (kubeLdflags)');

  const etcd = need('etcd');
  const etcdTag = splitRef(etcd).tag;
  if (etcdTag.replace(/-\d+$/, '') !== versions.etcd.replace(/^v/, '')) {
    throw new SetupError(
      `kubeadm ${kubernetesVersion} expects ${etcd}, but harness/cluster/kind/node-image/gobuild/etcd builds etcd ${versions.etcd}`,
      `require go.etcd.io/etcd/server/v3 v${etcdTag.replace(/-\d+$/, '')} in that go.mod and run go mod tidy there`,
    );
  }
  const coredns = need('coredns');
  if (splitRef(coredns).tag !== versions.coredns) {
    throw new SetupError(
      `kubeadm ${kubernetesVersion} expects ${coredns}, but harness/cluster/kind/node-image/gobuild/coredns builds CoreDNS ${versions.coredns}`,
      `require github.com/coredns/coredns ${splitRef(coredns).tag} in that go.mod, check main.go's plugin list against that release's plugin.cfg, and run go mod tidy there`,
    );
  }
  const pauseImage = need('pause');
  const podnetImage = componentRef('podnet', key);
  const components: ComponentImage[] = [
    { name: 'base', ref: componentRef('base', key), from: 'minbase', nodeNames: [] },
    { name: 'kube', ref: componentRef('kube', key), from: 'base', binary: 'kube', nodeNames: kubeRefs },
    { name: 'etcd', ref: componentRef('etcd', key), from: 'base', binary: 'etcd', nodeNames: [etcd] },
    { name: 'coredns', ref: componentRef('coredns', key), binary: 'coredns', nodeNames: [coredns] },
    { name: 'pause', ref: componentRef('pause', key), binary: 'pause', nodeNames: [pauseImage] },
    // podnet keeps its own name: the default CNI manifest names it (the Dockerfile fills it in)
    { name: 'podnet', ref: podnetImage, from: 'base', binary: 'podnet', nodeNames: [normalizeImageRef(podnetImage)] },
  ];
  return { components, pauseImage, podnetImage };
}

/**
 * images.list for preload-images.sh: per preloaded image, the name `ctr images import` gives it
 * (containerd's normalized form of the Docker name) and its names in the node.
 */
export function preloadList(components: ComponentImage[]): string {
  const lines = components.filter((c) => c.nodeNames.length > 0).map((c) => [normalizeImageRef(c.ref), ...c.nodeNames.map(normalizeImageRef)].join(' '));
  return `# <name in images.tar> <name(s) in the node's containerd>\n${lines.join('\n')}\n`;
}
