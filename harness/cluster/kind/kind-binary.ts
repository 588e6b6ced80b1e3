import { createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SetupError } from '../../common/errors.js';
import type { Log } from '../../common/log.js';
import { run, which } from '../process/run.js';
import { findGo } from '../preflight/go-toolchain.js';
import { KIND_MODULE, KIND_VERSION } from './kind-version.js';

/**
 * Finds the `kind` CLI: on PATH, else in the version-keyed cache, else builds it there with
 * `go install sigs.k8s.io/kind@<KIND_VERSION>` (GOBIN=<cacheDir>/kind-<version>/; needs only the
 * Go module proxy).
 */
export interface KindBinary {
  path: string;
  /** e.g. v0.32.0; 'unknown' if `kind version` did not say. */
  version: string;
  source: 'PATH' | 'cache' | 'go install';
}

export function kindInstallDir(cacheDir: string, version = KIND_VERSION): string {
  return join(cacheDir, `kind-${version}`);
}

/** `kind v0.32.0 go1.26.8 linux/amd64` -> v0.32.0 */
export function parseKindVersion(output: string): string | undefined {
  return /\bkind (v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/.exec(output)?.[1];
}

export function goInstallArgs(version = KIND_VERSION): string[] {
  return ['install', '-trimpath', `${KIND_MODULE}@${version}`];
}

async function versionOf(path: string): Promise<string | undefined> {
  const r = await run(path, ['version'], { reject: false, timeoutMs: 30_000 }).catch(() => undefined);
  return r && r.exitCode === 0 ? parseKindVersion(r.stdout) : undefined;
}

export interface EnsureKindOptions {
  /** Where to look for `go` when it is not on PATH (default: /usr/local/go/bin/go, Go's tarball location). */
  goFallbacks?: readonly string[];
}

export async function ensureKind(cacheDir: string, log: Log, options: EnsureKindOptions = {}): Promise<KindBinary> {
  const onPath = await which('kind');
  if (onPath) {
    const version = (await versionOf(onPath)) ?? 'unknown';
    if (version !== KIND_VERSION) {
      log(`warning: using kind ${version} from PATH (${onPath}); this suite pins ${KIND_VERSION}, and its default node image is built for that release`);
    }
    return { path: onPath, version, source: 'PATH' };
  }
  const dir = kindInstallDir(cacheDir);
  const cached = join(dir, 'kind');
  if (existsSync(cached)) {
    const version = await versionOf(cached);
    if (version === KIND_VERSION) return { path: cached, version, source: 'cache' };
    log(`the cached ${cached} does not answer \`kind version\` with ${KIND_VERSION}; installing it again`);
    rmSync(cached, { force: true });
  }

  const go = findGo(undefined, options.goFallbacks);
  if (!go) {
    throw new SetupError(
      `kind is not on PATH, and the Go toolchain to install it (go install ${KIND_MODULE}@${KIND_VERSION}) is not either`,
      `install kind ${KIND_VERSION} (https://kind.sigs.k8s.io/docs/user/quick-start/#installation) or Go (https://go.dev/dl), or use PROBE_PROVIDER=local`,
    );
  }
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, 'install.log');
  const stream = createWriteStream(logFile);
  const args = goInstallArgs();
  stream.write(`$ GOBIN=${dir} CGO_ENABLED=0 ${go} ${args.join(' ')}\n`);
  log(`installing kind ${KIND_VERSION}: go ${args.join(' ')} (GOBIN=${dir}; log: ${logFile})`);
  const started = Date.now();
  const result = await run(go, args, {
    cwd: dir,
    env: { GOBIN: dir, CGO_ENABLED: '0' },
    timeoutMs: 20 * 60_000,
    reject: false,
    onLine: (line) => stream.write(`${line}\n`),
  }).catch((err: unknown) => ({ exitCode: -1, stdout: '', stderr: err instanceof Error ? err.message : String(err) }));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  stream.write(`exit ${result.exitCode} after ${seconds}s\n${result.exitCode === -1 ? `${result.stderr}\n` : ''}`);
  await new Promise<void>((resolve) => stream.end(resolve));
  const version = result.exitCode === 0 && existsSync(cached) ? await versionOf(cached) : undefined;
  if (version !== KIND_VERSION) {
    const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-3).join(' | ');
    throw new SetupError(
      `go ${args.join(' ')} failed (exit ${result.exitCode})${tail ? `: ${tail}` : ''}; log: ${logFile}`,
      `read ${logFile}; a network error means the Go module proxy (GOPROXY) was unreachable. Or install kind ${KIND_VERSION} on PATH yourself`,
    );
  }
  log(`installed kind ${version} in ${seconds}s -> ${cached}`);
  return { path: cached, version, source: 'go install' };
}
