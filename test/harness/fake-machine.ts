import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A simulated machine for the preflight tests: a temp dir with a bin/ of fake executables (shell
 * scripts) to use as PATH, and room for fake /proc, /dev/kmsg, CNI and cgroup dirs.
 */
export class FakeMachine {
  readonly root = mkdtempSync(join(tmpdir(), 'preflight-'));
  readonly bin = join(this.root, 'bin');

  constructor() {
    mkdirSync(this.bin);
  }

  /** An executable `name` on PATH running this sh script body. */
  command(name: string, body = 'exit 0'): string {
    const file = join(this.bin, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  }

  /** Executables that do nothing, for presence checks. */
  commands(...names: string[]): void {
    for (const n of names) this.command(n);
  }

  file(relative: string, content = ''): string {
    const file = join(this.root, relative);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, content);
    return file;
  }

  executable(relative: string): string {
    const file = this.file(relative, '#!/bin/sh\n');
    chmodSync(file, 0o755);
    return file;
  }

  dir(relative: string): string {
    const dir = join(this.root, relative);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  path(relative: string): string {
    return join(this.root, relative);
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** What `docker info --format ...` prints without an engine (Docker 20.10: the empty template on stdout, the reason on stderr). */
export const NO_DAEMON = 'echo "|"; echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1';

/** A docker whose engine answers `docker info --format '{{.ServerVersion}}|{{.DockerRootDir}}'`. */
export function answeringDocker(version: string, rootDir: string): string {
  return `if [ "$1" = info ]; then echo "${version}|${rootDir}"; exit 0; fi\nif [ "$1" = image ]; then exit 1; fi\nexit 0`;
}

/** A go that answers `go env GOVERSION GOCACHE GOMODCACHE`. */
export function fakeGo(version: string, gocache: string, gomodcache: string): string {
  return `[ "$1" = env ] || exit 2\nprintf '%s\\n%s\\n%s\\n' ${version} ${gocache} ${gomodcache}`;
}
