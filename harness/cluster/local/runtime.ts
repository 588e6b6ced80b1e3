import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../../run/config.js';
import type { Log } from '../../common/log.js';
import { goBuild, gobuildDir, type GoBuild } from './binaries.js';
import { requiredVersion } from '../go-mod.js';

/**
 * The container runtime of the local cluster's nodes (--runtime):
 * - containerd1: Debian's containerd 1.6 and runc (install.sh installs them; the default);
 * - containerd2: containerd 2.x and runc built from their Go modules (gobuild/containerd2,
 *   gobuild/runc; versions pinned in their go.mod) into the version-keyed cache. runc needs cgo
 *   and libseccomp (gcc, libc6-dev, libseccomp-dev: install.sh).
 * Which commands a node runs is known before anything is built (the plan holds them).
 */
export const RUNTIMES = ['containerd1', 'containerd2'] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

export interface RuntimeCommands {
  name: RuntimeName;
  containerd: string;
  ctr: string;
  /** containerd2: the shim and runc the CRI config names (PATH would find Debian's 1.6 shim first). */
  shim?: string;
  runc?: string;
  /** The config format containerd reads: 2 for 1.6, 4 for 2.3. */
  configVersion: 2 | 4;
}

/** Debian's containerd 1.6 and runc, from PATH. */
export const DEBIAN_CONTAINERD: RuntimeCommands = { name: 'containerd1', containerd: 'containerd', ctr: 'ctr', configVersion: 2 };

const CONTAINERD_MODULE = 'github.com/containerd/containerd/v2';
const RUNC_MODULE = 'github.com/opencontainers/runc';
const CONTAINERD_TAGS = 'no_btrfs,no_devmapper,no_zfs,urfave_cli_no_docs';

function pinned(repoRoot: string): { containerd: string; runc: string } {
  const dir = gobuildDir(repoRoot);
  return {
    containerd: requiredVersion(readFileSync(join(dir, 'containerd2', 'go.mod'), 'utf8'), CONTAINERD_MODULE),
    runc: requiredVersion(readFileSync(join(dir, 'runc', 'go.mod'), 'utf8'), RUNC_MODULE),
  };
}

/** The Go builds of the containerd2 runtime: daemon, ctr, shim (no cgo), runc (cgo, static). */
export function runtimeBuilds(config: Pick<RunConfig, 'cacheDir' | 'repoRoot'>): Record<'containerd' | 'ctr' | 'shim' | 'runc', GoBuild> {
  const v = pinned(config.repoRoot);
  const dir = gobuildDir(config.repoRoot);
  const out = (name: string) => join(config.cacheDir, 'local', `containerd-${v.containerd}`, name);
  const version = `-X ${CONTAINERD_MODULE}/version.Version=${v.containerd} -X ${CONTAINERD_MODULE}/version.Revision=${v.containerd}`;
  const containerd = (name: string, pkg: string, tags = CONTAINERD_TAGS): GoBuild => ({ name, moduleDir: join(dir, 'containerd2'), pkg: `${CONTAINERD_MODULE}/cmd/${pkg}`, outDir: out(name), binary: name, tags, ldflags: `-s -w ${version}`, timeoutMs: 60 * 60_000 });
  return {
    containerd: { ...containerd('containerd', 'containerd'), coldHint: 'cold: ~1.5 min on 2 idle cores' },
    ctr: containerd('ctr', 'ctr'),
    shim: containerd('containerd-shim-runc-v2', 'containerd-shim-runc-v2', `${CONTAINERD_TAGS},no_grpc`),
    runc: {
      name: 'runc',
      moduleDir: join(dir, 'runc'),
      pkg: RUNC_MODULE,
      outDir: join(config.cacheDir, 'local', `runc-${v.runc}`),
      binary: 'runc',
      tags: 'seccomp,urfave_cli_no_docs,netgo,osusergo',
      ldflags: `-s -w -X main.gitCommit=${v.runc} -extldflags -static`,
      env: { CGO_ENABLED: '1' },
      timeoutMs: 30 * 60_000,
    },
  };
}

/** The commands a node of this runtime runs (built ones by their cache paths). */
export function runtimeCommands(config: Pick<RunConfig, 'cacheDir' | 'repoRoot'> & { runtime: RuntimeName }): RuntimeCommands {
  if (config.runtime === 'containerd1') return DEBIAN_CONTAINERD;
  const b = runtimeBuilds(config);
  const path = (x: GoBuild) => join(x.outDir, x.binary);
  return { name: 'containerd2', containerd: path(b.containerd), ctr: path(b.ctr), shim: path(b.shim), runc: path(b.runc), configVersion: 4 };
}

/** Builds the containerd2 runtime's binaries (cached; nothing for containerd1). */
export async function ensureRuntime(config: Pick<RunConfig, 'cacheDir' | 'repoRoot'> & { runtime: RuntimeName }, log: Log): Promise<void> {
  if (config.runtime === 'containerd1') return;
  for (const build of Object.values(runtimeBuilds(config))) await goBuild(build, log);
}
