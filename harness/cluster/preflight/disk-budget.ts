import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { kubeOutDir } from '../local/binaries.js';
import { resolveRelease } from '../releases.js';
import { GIB, type DiskNeed } from './free-disk.js';
import type { GoToolchain } from './go-toolchain.js';

/**
 * How much a run writes, and where: the thresholds of the free-disk check. Measured and
 * estimated in docs/preflight.md ("Free disk"); rounded up, since a full disk in the middle of a
 * 9-minute build is the failure this check exists to prevent.
 */
export const DISK_BUDGET = {
  /** A cold build of the kube multi-call binary and etcd: compiled packages (GOCACHE). */
  goBuildCacheCold: 4 * GIB,
  /** Their modules, extracted (GOMODCACHE); measured 0.6 GiB (kube) + 0.3 GiB (etcd). */
  goModCacheCold: 1 * GIB,
  /** A rebuild with a warm cache is a relink; etcd and pause may still be built. */
  goWarm: GIB / 2,
  /** `go install sigs.k8s.io/kind`: its modules and compiled packages. */
  kindBuild: GIB / 2,
  /** <cacheDir>: the binaries (kube ~0.2 GiB, etcd) and the offline rootfs tarball (0.2 GiB). */
  suiteCache: 1 * GIB,
  /** <stateDir>: the local nodes' containerd content and snapshots (the demo images again), logs, etcd. */
  localState: 2 * GIB,
  /** Docker's data root: the base images and the demo images built on them. */
  dockerImages: 2 * GIB,
  /** Docker's data root with kind: the kindest/node image (~1 GiB) and the images loaded into each node. */
  kindNodes: 3 * GIB,
  /** Docker's data root while the suite's own node image is built: component images, their archive, the image (1.3 GiB) and its build layers. */
  kindNodeImageBuild: 4 * GIB,
} as const;

/** Whether the kube binary of the pinned Kubernetes version is already in the suite's cache. */
export function kubeBinaryCached(cacheDir: string, repoRoot: string, kubernetes?: string): boolean {
  try {
    const version = resolveRelease(repoRoot, kubernetes);
    const dir = kubeOutDir(cacheDir, version);
    return existsSync(join(dir, 'kube')) && existsSync(join(dir, '.built'));
  } catch {
    return false;
  }
}

function goNeeds(go: GoToolchain | undefined, cache: number, mods: number): DiskNeed[] {
  if (!go) return [];
  return [
    ...(go.gocache ? [{ path: go.gocache, bytes: cache, what: 'Go build cache', movedBy: 'GOCACHE' }] : []),
    ...(go.gomodcache ? [{ path: go.gomodcache, bytes: mods, what: 'Go module cache', movedBy: 'GOMODCACHE' }] : []),
  ];
}

function dockerNeed(dataRoot: string | undefined, bytes: number): DiskNeed[] {
  return dataRoot ? [{ path: dataRoot, bytes, what: 'Docker images', movedBy: "dockerd's data-root" }] : [];
}

export interface LocalDiskInputs {
  cacheDir: string;
  stateDir: string;
  repoRoot: string;
  /** --kubernetes (unset: the pinned release). */
  kubernetes?: string;
  go?: GoToolchain;
  dockerDataRoot?: string;
}

export function localDiskNeeds(inputs: LocalDiskInputs): { needs: DiskNeed[]; cold: boolean } {
  const cold = !kubeBinaryCached(inputs.cacheDir, inputs.repoRoot, inputs.kubernetes);
  const b = DISK_BUDGET;
  const needs: DiskNeed[] = [
    ...(cold ? goNeeds(inputs.go, b.goBuildCacheCold, b.goModCacheCold) : goNeeds(inputs.go, b.goWarm / 2, b.goWarm / 2)),
    { path: inputs.cacheDir, bytes: b.suiteCache, what: 'binaries and base rootfs', movedBy: 'PROBE_CACHE_DIR' },
    { path: inputs.stateDir, bytes: b.localState, what: 'cluster state', movedBy: 'PROBE_STATE_DIR' },
    ...dockerNeed(inputs.dockerDataRoot, b.dockerImages),
  ];
  return { needs, cold };
}

export function kindDiskNeeds(inputs: { go?: GoToolchain; buildsKind: boolean; buildsNodeImage?: boolean; dockerDataRoot?: string }): DiskNeed[] {
  const b = DISK_BUDGET;
  const goCache = (inputs.buildsKind ? b.kindBuild / 2 : 0) + (inputs.buildsNodeImage ? b.goBuildCacheCold : 0);
  const goMods = (inputs.buildsKind ? b.kindBuild / 2 : 0) + (inputs.buildsNodeImage ? b.goModCacheCold : 0);
  return [...(goCache > 0 ? goNeeds(inputs.go, goCache, goMods) : []), ...dockerNeed(inputs.dockerDataRoot, b.dockerImages + b.kindNodes + (inputs.buildsNodeImage ? b.kindNodeImageBuild : 0))];
}

export function existingDiskNeeds(inputs: { dockerDataRoot?: string }): DiskNeed[] {
  return dockerNeed(inputs.dockerDataRoot, DISK_BUDGET.dockerImages);
}
