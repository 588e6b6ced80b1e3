import type { ProviderName } from '../../run/config.js';
import { run } from '../process/run.js';
import { found, missing, type CheckResult } from './check.js';
import { findExecutable } from './executables.js';
import { installCommand } from './install-hint.js';

/**
 * The Go toolchain that builds the local cluster's binaries (and kind, when it is not found):
 * `go` on PATH, else Go's tarball location, as harness/cluster/local/binaries.ts looks for it.
 * Go 1.24 is the oldest that builds the pinned modules (install.sh's GO_MIN_MINOR too); a
 * module's newer `go` line is then fetched by Go's own toolchain switch.
 */
export const GO_MIN_MINOR = 24;
export const GO_FALLBACKS: readonly string[] = ['/usr/local/go/bin/go'];

/** `go` on PATH (or the given PATH string), else the first fallback that is executable; no child process. */
export function findGo(path?: string, fallbacks: readonly string[] = GO_FALLBACKS): string | undefined {
  return findExecutable('go', path) ?? fallbacks.find((f) => findExecutable(f));
}

export interface GoToolchain {
  path: string;
  /** e.g. go1.26.8 */
  version: string;
  /** `go env GOCACHE` / `go env GOMODCACHE`: where a build writes. */
  gocache?: string;
  gomodcache?: string;
}

export interface GoCheckOptions {
  path?: string;
  fallbacks?: readonly string[];
  provider?: ProviderName;
  /** What go builds, for the message, e.g. "the local cluster's Kubernetes and etcd". */
  purpose?: string;
}

/** go1.26.8 -> 26; `devel go1.27-abc` -> 27. */
export function goMinor(version: string): number | undefined {
  const m = /\bgo1\.(\d+)/.exec(version);
  return m ? Number(m[1]) : undefined;
}

export async function checkGo(options: GoCheckOptions = {}): Promise<CheckResult & { go?: GoToolchain }> {
  const purpose = options.purpose ?? 'the local cluster binaries';
  const installHint = `${installCommand(options.provider ?? 'local')} (installs golang-go where apt offers Go 1.${GO_MIN_MINOR}+), else Go 1.${GO_MIN_MINOR} or newer from https://go.dev/dl on PATH`;
  const fallbacks = options.fallbacks ?? GO_FALLBACKS;
  const go = findGo(options.path, fallbacks);
  if (!go) {
    return missing('go', `not on PATH, nor at ${fallbacks.join(', ')}`, {
      what: `the Go toolchain (go >= 1.${GO_MIN_MINOR}) builds ${purpose}, and \`go\` is not on PATH (nor at ${fallbacks.join(', ')})`,
      fix: installHint,
    });
  }
  // From `/` (no go.mod whose go line could make `go` fetch another toolchain), and the installed one.
  const r = await run(go, ['env', 'GOVERSION', 'GOCACHE', 'GOMODCACHE'], { cwd: '/', env: { GOTOOLCHAIN: 'local' }, reject: false, timeoutMs: 30_000 }).catch(
    (err: unknown) => ({ exitCode: -1, stdout: '', stderr: err instanceof Error ? err.message : String(err) }),
  );
  const [version = '', gocache = '', gomodcache = ''] = r.stdout.split('\n').map((l) => l.trim());
  if (r.exitCode !== 0 || version === '') {
    const why = (r.stderr || r.stdout).trim().split('\n').pop() ?? `exit ${r.exitCode}`;
    return missing('go', `${go} does not run (${why})`, { what: `${go} env GOVERSION failed: ${why}`, fix: installHint });
  }
  const toolchain: GoToolchain = { path: go, version, ...(gocache ? { gocache } : {}), ...(gomodcache ? { gomodcache } : {}) };
  const minor = goMinor(version);
  if (minor !== undefined && minor < GO_MIN_MINOR) {
    return {
      ...missing('go', `${go} is ${version}, older than go1.${GO_MIN_MINOR}`, {
        what: `${go} is ${version}; building ${purpose} needs Go 1.${GO_MIN_MINOR} or newer`,
        fix: `install Go 1.${GO_MIN_MINOR} or newer from https://go.dev/dl (Debian's golang-go is older) and put it first on PATH`,
      }),
      go: toolchain,
    };
  }
  return { ...found('go', `${go} (${version})`), go: toolchain };
}
