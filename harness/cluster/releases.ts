import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { SetupError } from '../common/errors.js';
import { requiredVersion } from './go-mod.js';

/**
 * The Kubernetes releases this checkout builds. ONE place pins them: the release the Go modules
 * require (harness/cluster/local/gobuild/kube/go.mod: the default) and one folder per other release,
 * harness/cluster/releases/<version>/, holding per module (kube, kubeadm, etcd, coredns) only the
 * go.mod and go.sum of that release; the sources (main.go ...) are the pinned modules' own. A build
 * for such a release runs in a module folder made from both under <cacheDir>/modules/
 * (docs/kubernetes-versions.md).
 */
export function releasesDir(repoRoot: string): string {
  return join(repoRoot, 'harness', 'cluster', 'releases');
}

/**
 * The release a run builds when `--kubernetes` is not given: the newest one that is green here
 * (CI runs it at every commit). Changing it is a one-line change, proven by a whole `.ci/run`.
 */
export const DEFAULT_RELEASE = 'v1.37.2';

/** The release the pinned modules require (their sources are every release's), e.g. v1.35.4. */
export function pinnedRelease(repoRoot: string): string {
  return requiredVersion(readFileSync(join(repoRoot, 'harness', 'cluster', 'local', 'gobuild', 'kube', 'go.mod'), 'utf8'), 'k8s.io/kubernetes');
}

/** Releases with a folder of their own, e.g. [v1.34.4]. */
export function extraReleases(repoRoot: string): string[] {
  const dir = releasesDir(repoRoot);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /^v\d+\.\d+\.\d+$/.test(name))
    .sort(semver.compare);
}

/** Every release this checkout builds, oldest first. */
export function buildableReleases(repoRoot: string): string[] {
  return [...new Set([pinnedRelease(repoRoot), ...extraReleases(repoRoot)])].sort(semver.compare);
}

/** `1.35.4`, `v1.35.4` -> v1.35.4; anything else undefined. */
export function normalizeKubernetesVersion(text: string): string | undefined {
  const m = /^v?(\d+\.\d+\.\d+)$/.exec(text.trim());
  return m ? `v${m[1]}` : undefined;
}

/**
 * The release asked for by `--kubernetes` (a minor such as 1.36, or a release such as 1.36.3; unset:
 * the default) when the checkout builds it, else a SetupError naming the ones it builds. A minor
 * means the newest release of it the checkout has.
 */
export function checkRequestedVersion(byDefault: string, requested: string | undefined, others: readonly string[] = []): string {
  if (requested === undefined || requested.trim() === '') return byDefault;
  const buildable = [...new Set([byDefault, ...others])].sort(semver.compare);
  const list = buildable.map((v) => v.slice(1)).join(', ');
  const minor = /^v?(\d+)\.(\d+)$/.exec(requested.trim());
  if (minor) {
    const of = buildable.filter((v) => semver.major(v) === Number(minor[1]) && semver.minor(v) === Number(minor[2]));
    if (of.length > 0) return of[of.length - 1]!;
    throw new SetupError(`this checkout builds Kubernetes ${list}, none of ${minor[1]}.${minor[2]}`, addHint(list, `v${minor[1]}.${minor[2]}.<patch>`));
  }
  const asked = normalizeKubernetesVersion(requested);
  if (!asked) throw new SetupError(`--kubernetes ${requested} is not a Kubernetes minor or release (e.g. 1.36 or 1.35.4)`, `use one of ${list}`);
  if (!buildable.includes(asked)) throw new SetupError(`this checkout builds Kubernetes ${list}, not ${asked}`, addHint(list, asked));
  return asked;
}

function addHint(list: string, version: string): string {
  return `use one of ${list}, or add harness/cluster/releases/${version}/ with the go.mod and go.sum of each module for it (docs/kubernetes-versions.md#adding-a-release), then run again`;
}

/** checkRequestedVersion against this checkout's releases, DEFAULT_RELEASE when none is asked for. */
export function resolveRelease(repoRoot: string, requested: string | undefined): string {
  return checkRequestedVersion(DEFAULT_RELEASE, requested, buildableReleases(repoRoot));
}

/**
 * The module folder to build `name` of `version` in: the pinned module's own folder when the
 * release has no go.mod for it, else a folder under <cacheDir>/modules/<version>/<name> with the
 * pinned module's sources and the release's go.mod and go.sum (made anew each time: a few small
 * files). A release folder may also hold a .go file of its own, which replaces the pinned one of
 * that name (for an API the release changed).
 */
export function releaseModuleDir(options: { repoRoot: string; cacheDir: string }, version: string, name: string, pinnedDir: string): string {
  const release = join(releasesDir(options.repoRoot), version, name);
  if (!existsSync(join(release, 'go.mod'))) return pinnedDir;
  const dir = join(options.cacheDir, 'modules', version, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(pinnedDir, dir, { recursive: true, filter: (src) => !/\/go\.(mod|sum)$/.test(src) });
  for (const file of readdirSync(release)) if (file === 'go.mod' || file === 'go.sum' || file.endsWith('.go')) cpSync(join(release, file), join(dir, file));
  return dir;
}
