import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Kubernetes releases the suite can build besides the one its Go modules pin: a folder
 * harness/cluster/releases/<version>/ holds, per module (kube, kubeadm, etcd, coredns), only the
 * go.mod and go.sum of that release; the sources (main.go ...) are the pinned modules' own. A build
 * for such a release runs in a module folder made from both under <cacheDir>/modules/ (docs/kind-node-image.md#other-kubernetes-releases).
 */
export function releasesDir(repoRoot: string): string {
  return join(repoRoot, 'harness', 'cluster', 'releases');
}

/** Releases with a folder of their own, e.g. [v1.34.4]. */
export function extraReleases(repoRoot: string): string[] {
  const dir = releasesDir(repoRoot);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /^v\d+\.\d+\.\d+$/.test(name))
    .sort();
}

/**
 * The module folder to build `name` of `version` in: the pinned module's own folder when the
 * release has no go.mod for it, else a folder under <cacheDir>/modules/<version>/<name> with the
 * pinned module's sources and the release's go.mod and go.sum (made anew each time: a few small files).
 */
export function releaseModuleDir(options: { repoRoot: string; cacheDir: string }, version: string, name: string, pinnedDir: string): string {
  const release = join(releasesDir(options.repoRoot), version, name);
  if (!existsSync(join(release, 'go.mod'))) return pinnedDir;
  const dir = join(options.cacheDir, 'modules', version, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(pinnedDir, dir, { recursive: true, filter: (src) => !/\/go\.(mod|sum)$/.test(src) });
  for (const file of ['go.mod', 'go.sum']) if (existsSync(join(release, file))) cpSync(join(release, file), join(dir, file));
  return dir;
}
