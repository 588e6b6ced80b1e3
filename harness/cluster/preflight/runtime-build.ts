import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RuntimeName } from '../local/runtime.js';
import { found, missing, type CheckResult } from './check.js';
import { findExecutable } from './executables.js';
import { installFix } from './install-hint.js';

/**
 * --runtime containerd2 builds runc with cgo (libcontainer/nsenter is C) against libseccomp,
 * linked statically: gcc, the C library's headers and libseccomp.a (libseccomp-dev) must be here.
 */
export function checkRuntimeBuild(runtime: RuntimeName, options: { path?: string; root?: string } = {}): CheckResult {
  if (runtime !== 'containerd2') return found('runtime', "containerd1 (Debian's containerd and runc)");
  const root = options.root ?? '/';
  const libDirs = ['usr/lib', ...(existsSync(join(root, 'usr/lib')) ? readdirSync(join(root, 'usr/lib')).filter((d) => d.endsWith('-linux-gnu')).map((d) => `usr/lib/${d}`) : [])];
  const lacking: string[] = [];
  if (!findExecutable('gcc', options.path ?? process.env.PATH ?? '')) lacking.push('gcc');
  if (!existsSync(join(root, 'usr/include/stdio.h'))) lacking.push('libc6-dev');
  if (!libDirs.some((d) => existsSync(join(root, d, 'libseccomp.a')))) lacking.push('libseccomp-dev');
  if (lacking.length === 0) return found('runtime', 'containerd2: gcc, libc6-dev and libseccomp-dev for the runc build are here');
  return missing('runtime', `containerd2: ${lacking.join(', ')} missing for the runc build`, {
    what: `--runtime containerd2 builds runc with cgo and libseccomp, and ${lacking.join(', ')} ${lacking.length > 1 ? 'are' : 'is'} not installed`,
    fix: installFix('local', lacking),
  });
}
