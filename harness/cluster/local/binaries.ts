import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../../run/config.js';
import { SetupError } from '../../common/errors.js';
import type { Log } from '../../common/log.js';
import { run } from '../process/run.js';
import { findGo } from '../preflight/go-toolchain.js';
import { runWithProgress } from '../process/run-with-progress.js';
import { clip } from '../../common/progress.js';
import { requiredVersion } from '../go-mod.js';
import { pinnedRelease, releaseModuleDir, resolveRelease } from '../releases.js';

/**
 * The Go programs the local cluster runs, built from the Go module proxy into a
 * version-keyed cache outside the repository. The Kubernetes version is pinned in ONE place:
 * the `require k8s.io/kubernetes` line of gobuild/kube/go.mod (etcd's in gobuild/etcd/go.mod).
 * A build is skipped when its marker file records the same inputs (sources, go.sum, flags,
 * toolchain); otherwise `go build` runs again, which with a warm GOCACHE is a relink.
 *
 * A cold build takes minutes, so it reports progress every 30 s (see GoBuildProgress): first the
 * module downloads (`go list -deps`, which also counts the packages of the build, unless the
 * previous build's marker recorded that count), then `go build -v`'s packages as they compile.
 */
export const KUBE_COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-proxy', 'kubectl'] as const;
export type KubeComponent = (typeof KUBE_COMPONENTS)[number];

export interface LocalBinaries {
  kubernetesVersion: string;
  etcdVersion: string;
  /** The multi-call binary; also `cri-reset`. */
  kube: string;
  /** Symlinks to `kube` named after each component (so `ps` shows the component). */
  components: Record<KubeComponent, string>;
  etcd: string;
  pause: string;
  /** The CNI plugin chained after bridge (gobuild/neighreset). */
  neighreset: string;
}

/** A fixed build date, so the same inputs give the same binary. */
export const BUILD_DATE = '1970-01-01T00:00:00Z';
export const KUBE_BUILD_TAGS = 'selinux,notest';

export function gobuildDir(repoRoot: string): string {
  return join(repoRoot, 'harness', 'cluster', 'local', 'gobuild');
}

/** The version ldflags upstream's hack/lib/version.sh sets, with a fixed commit and date. */
export function kubeLdflags(version: string): string {
  const m = /^v(\d+)\.(\d+)\.\d+/.exec(version);
  if (!m) throw new Error(`not a Kubernetes release version: ${version}`);
  const parts = ['-s', '-w'];
  for (const pkg of ['k8s.io/client-go/pkg/version', 'k8s.io/component-base/version']) {
    parts.push(
      `-X ${pkg}.gitVersion=${version}`,
      `-X ${pkg}.gitMajor=${m[1]}`,
      `-X ${pkg}.gitMinor=${m[2]}`,
      `-X ${pkg}.gitTreeState=clean`,
      `-X ${pkg}.gitCommit=${'0'.repeat(40)}`,
      `-X ${pkg}.buildDate=${BUILD_DATE}`,
    );
  }
  return parts.join(' ');
}

export interface GoBuild {
  /** Short name for messages: kube, etcd, pause. */
  name: string;
  moduleDir: string;
  /**
   * The package to build, default `.` (the module's own main package). A main package of a
   * dependency (e.g. sigs.k8s.io/cri-tools/cmd/crictl, pinned by the module's go.mod) can be named
   * instead: a main package cannot be imported by a wrapper's main.go.
   */
  pkg?: string;
  /**
   * Build pkg's test binary (`go test -c`, e.g. upstream's e2e.test) instead of a program. Its
   * dependencies are compiled first by a `go build -v` of pkg, which prints the packages the
   * progress lines count (`go test -c` prints none); the test build then finds them in GOCACHE.
   */
  testBinary?: boolean;
  outDir: string;
  binary: string;
  tags?: string;
  ldflags: string;
  timeoutMs: number;
  /** Shown when building, e.g. how long a cold build takes. */
  coldHint?: string;
  /** Extra environment for the go commands (tests set GOCACHE). */
  env?: Record<string, string>;
  /** Milliseconds between progress lines (default 30 s). */
  progressEveryMs?: number;
}

interface Marker {
  inputs: string;
  seconds: number;
  builtAt: string;
  /** Packages in the build (`go list -deps`), the total of the next build's progress. */
  packages?: number;
}

/** A line of `go build -v` / `go list` naming a package (not `go: downloading ...`, `# pkg` or `file.go:1:2: error`). */
export function isPackageLine(line: string): boolean {
  return /^[A-Za-z0-9_.~+-]+(?:\/[A-Za-z0-9_.~+-]+)*$/.test(line.trim());
}

/**
 * How far a go command is, from its output: `go: downloading <module> <version>` lines while the
 * module cache is filled (nothing else is printed meanwhile), then one line per package
 * (`go build -v` prints each package it compiles; cached ones are skipped, so a warm build ends
 * below the total).
 */
export class GoBuildProgress {
  private downloads = 0;
  private lastDownload: string | undefined;
  private count = 0;
  private last: string | undefined;

  constructor(
    /** Packages in the build, if known. */
    private readonly total?: number,
    /** What a package line means: compiled (go build -v) or listed (go list). */
    private readonly verb = 'compiled',
  ) {}

  push(line: string): void {
    const download = /^go: downloading (\S+) (\S+)/.exec(line.trim());
    if (download) {
      this.downloads++;
      this.lastDownload = `${download[1]} ${download[2]}`;
    } else if (isPackageLine(line)) {
      this.count++;
      this.last = line.trim();
    }
  }

  /** Package lines so far. */
  get packages(): number {
    return this.count;
  }

  get modulesDownloaded(): number {
    return this.downloads;
  }

  status(): string {
    if (this.count === 0) {
      if (this.downloads > 0) return `downloading modules, ${this.downloads} so far (last ${clip(this.lastDownload!, 80)})`;
      return this.verb === 'compiled' ? 'loading the packages (none compiled yet)' : 'loading the packages';
    }
    const howFar = this.total ? `${this.count} of ~${this.total} packages` : `${this.count} packages so far`;
    return `${this.verb} ${howFar} (last ${clip(this.last!, 80)})`;
  }
}

function goCommand(): string {
  const go = findGo();
  if (go) return go;
  throw new SetupError(
    'the Go toolchain (go >= 1.24) is needed to build the local cluster binaries, and `go` is not on PATH',
    'install Go 1.24 or newer (https://go.dev/dl, or golang-1.24+ from backports) and put it on PATH',
  );
}

function inputsHash(build: GoBuild, goVersion: string): string {
  const hash = createHash('sha256');
  // (pkg only when set, so that the builds of the module's own package keep their earlier hashes)
  hash.update(`${goVersion}\n${build.tags ?? ''}\n${build.ldflags}\n${build.pkg ? `pkg ${build.pkg}\n` : ''}${build.testBinary ? 'test -c\n' : ''}${build.env?.CGO_ENABLED === '1' ? 'cgo\n' : ''}`);
  for (const file of readdirSync(build.moduleDir).sort()) {
    if (file === 'go.mod' || file === 'go.sum' || file.endsWith('.go')) {
      hash.update(`${file}\n`);
      hash.update(readFileSync(join(build.moduleDir, file)));
    }
  }
  return hash.digest('hex');
}

function readMarker(path: string): Marker | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Marker;
  } catch {
    return undefined;
  }
}

/** Builds one wrapper module unless its marker says the binary is up to date; returns its path. */
export async function goBuild(build: GoBuild, log: Log): Promise<string> {
  const go = goCommand();
  const goVersion = (await run(go, ['env', 'GOVERSION'])).stdout.trim();
  const out = join(build.outDir, build.binary);
  const markerFile = join(build.outDir, '.built');
  const inputs = inputsHash(build, goVersion);
  const previous = readMarker(markerFile);
  if (existsSync(out) && previous?.inputs === inputs) return out;

  mkdirSync(build.outDir, { recursive: true });
  rmSync(markerFile, { force: true });
  const logFile = join(build.outDir, 'build.log');
  const stream = createWriteStream(logFile);
  const env = { CGO_ENABLED: '0', ...build.env };
  const tags = build.tags ? ['-tags', build.tags] : [];
  const shown = (args: string[]) => `$ CGO_ENABLED=${env.CGO_ENABLED} ${go} ${args.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ')}\n`;
  log(`building ${build.name} (${build.moduleDir}) with ${goVersion}${build.coldHint ? ` (${build.coldHint})` : ''}; log: ${logFile}`);
  const started = Date.now();
  const goRun = { log, what: `building ${build.name}`, cwd: build.moduleDir, env, timeoutMs: build.timeoutMs, everyMs: build.progressEveryMs, since: started };
  // A go that cannot run (timeout, gone) reads as a failed build, reported with its log below.
  const failedRun = (err: unknown) => ({ exitCode: -1, stdout: '', stderr: String(err) });

  // The package count for "N of ~T": the previous build's, else `go list -deps` (well under a second
  // with a filled module cache; with an empty one it is the module download a build starts with anyway).
  let total = previous?.packages;
  if (!total) {
    const listArgs = ['list', '-deps', ...tags, build.pkg ?? '.'];
    stream.write(shown(listArgs));
    const listing = new GoBuildProgress(undefined, 'listed');
    // The log keeps what go list says besides the package list (downloads, errors).
    const listed = await runWithProgress(go, listArgs, { ...goRun, progress: listing, tail: { push: (line) => { if (!isPackageLine(line)) stream.write(`${line}\n`); } } }).catch(failedRun);
    // On failure go build runs anyway: it is the authority on what is wrong, and its log says so.
    if (listed.exitCode === 0) total = listed.stdout.split('\n').filter(isPackageLine).length || undefined;
    stream.write(`(${listed.exitCode === 0 ? `${total ?? 0} packages` : `exit ${listed.exitCode}`}, ${listing.modulesDownloaded} modules downloaded, after ${Math.round((Date.now() - started) / 100) / 10}s)\n`);
  }

  const buildArgs = ['build', '-v', '-trimpath', ...tags, '-ldflags', build.ldflags, ...(build.testBinary ? [] : ['-o', `${out}.tmp`]), build.pkg ?? '.'];
  stream.write(shown(buildArgs));
  const progress = new GoBuildProgress(total);
  const toLog = { push: (line: string) => stream.write(`${line}\n`) };
  let result = await runWithProgress(go, buildArgs, { ...goRun, progress, tail: toLog }).catch(failedRun);
  if (build.testBinary && result.exitCode === 0) {
    const testArgs = ['test', '-c', '-trimpath', ...tags, '-ldflags', build.ldflags, '-o', `${out}.tmp`, build.pkg ?? '.'];
    stream.write(shown(testArgs));
    const linking = { push: () => undefined, status: () => 'compiling the test package and linking (its dependencies are compiled)' };
    result = await runWithProgress(go, testArgs, { ...goRun, progress: linking, tail: toLog }).catch(failedRun);
  }
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  stream.write(`exit ${result.exitCode} after ${seconds}s\n${result.exitCode === -1 ? result.stderr : ''}`);
  await new Promise<void>((resolve) => stream.end(resolve));
  if (result.exitCode !== 0) {
    rmSync(`${out}.tmp`, { force: true });
    throw new SetupError(
      `go ${build.testBinary ? 'test -c' : 'build'} of module ${build.moduleDir} (${build.name}) failed (exit ${result.exitCode}); log: ${logFile}`,
      `read the end of ${logFile}; a network error means the Go module proxy was unreachable (GOPROXY), a compile error a toolchain older than the module's go line`,
    );
  }
  if (!existsSync(`${out}.tmp`)) {
    // go test -c of a package without test files succeeds and writes nothing
    throw new SetupError(`go ${build.testBinary ? 'test -c' : 'build'} of ${build.pkg ?? build.moduleDir} (${build.name}) wrote no binary; log: ${logFile}`, `check that ${build.pkg ?? 'the package'} has ${build.testBinary ? 'test files' : 'a main package'}`);
  }
  renameSync(`${out}.tmp`, out);
  const packages = Math.max(total ?? 0, progress.packages);
  const marker: Marker = { inputs, seconds, builtAt: new Date().toISOString(), ...(packages > 0 ? { packages } : {}) };
  writeFileSync(markerFile, `${JSON.stringify(marker)}\n`);
  const compiled = progress.packages;
  const counts = total && total > compiled ? `compiled ${compiled} of its ${total} packages, the others were cached` : `compiled ${compiled} packages`;
  log(`built ${build.name} in ${seconds}s (${counts}) -> ${out}`);
  return out;
}

/** Seconds the last build of `binary` in `outDir` took (from its marker), if known. */
export function lastBuildSeconds(outDir: string): number | undefined {
  return readMarker(join(outDir, '.built'))?.seconds;
}

export function kubeOutDir(cacheDir: string, version: string): string {
  return join(cacheDir, 'local', `kube-${version}`);
}

/**
 * The gobuild/kube build (the multi-call binary) of `version` (default: the pinned release); the
 * kind node image uses the same one, from the same cache. Another release builds in its own module
 * folder (releases.ts).
 */
export function kubeBuild(config: Pick<RunConfig, 'cacheDir' | 'repoRoot'>, version: string = resolveRelease(config.repoRoot, undefined)): GoBuild {
  return {
    name: 'kube',
    moduleDir: releaseModuleDir(config, version, 'kube', join(gobuildDir(config.repoRoot), 'kube')),
    outDir: kubeOutDir(config.cacheDir, version),
    binary: 'kube',
    tags: KUBE_BUILD_TAGS,
    ldflags: kubeLdflags(version),
    timeoutMs: 120 * 60_000,
    coldHint: 'cold: ~4 min on 2 idle cores, warm: ~20 s',
  };
}

/** The gobuild/pause build (the sandbox image's binary). */
export function pauseBuild(config: Pick<RunConfig, 'cacheDir' | 'repoRoot'>): GoBuild {
  return { name: 'pause', moduleDir: join(gobuildDir(config.repoRoot), 'pause'), outDir: join(config.cacheDir, 'local', 'pause'), binary: 'pause', ldflags: '-s -w', timeoutMs: 10 * 60_000 };
}

/** The gobuild/neighreset build (a CNI plugin: forgets the node's ARP entry of a reused pod IP). */
export function neighResetBuild(config: Pick<RunConfig, 'cacheDir' | 'repoRoot'>): GoBuild {
  return { name: 'neighreset', moduleDir: join(gobuildDir(config.repoRoot), 'neighreset'), outDir: join(config.cacheDir, 'local', 'neighreset'), binary: 'neighreset', ldflags: '-s -w', timeoutMs: 10 * 60_000 };
}

/**
 * Builds (or finds in the cache) kube, etcd, pause and neighreset. `kubernetes`: the --kubernetes value (a minor
 * or a release this checkout builds; unset: the pinned one). etcd stays the pinned one for every
 * release (all of them support it; docs/kubernetes-versions.md).
 */
export async function ensureBinaries(config: Pick<RunConfig, 'cacheDir' | 'repoRoot' | 'kubernetes'>, log: Log): Promise<LocalBinaries> {
  const root = gobuildDir(config.repoRoot);
  const etcdModule = join(root, 'etcd');
  const kubernetesVersion = resolveRelease(config.repoRoot, config.kubernetes);
  const etcdVersion = requiredVersion(readFileSync(join(etcdModule, 'go.mod'), 'utf8'), 'go.etcd.io/etcd/server/v3');
  const kubeDir = kubeOutDir(config.cacheDir, kubernetesVersion);
  const kube = await goBuild(kubeBuild(config, kubernetesVersion), log);
  const components = {} as Record<KubeComponent, string>;
  for (const name of KUBE_COMPONENTS) {
    const link = join(kubeDir, name);
    if (!existsSync(link)) symlinkSync('kube', link);
    components[name] = link;
  }
  const etcd = await goBuild(
    { name: 'etcd', moduleDir: etcdModule, outDir: join(config.cacheDir, 'local', `etcd-${etcdVersion}`), binary: 'etcd', ldflags: '-s -w', timeoutMs: 60 * 60_000 },
    log,
  );
  const pause = await goBuild(pauseBuild(config), log);
  const neighreset = await goBuild(neighResetBuild(config), log);
  return { kubernetesVersion, etcdVersion, kube, components, etcd, pause, neighreset };
}
