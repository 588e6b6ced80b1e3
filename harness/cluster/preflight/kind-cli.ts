import { join } from 'node:path';
import type { ProviderName } from '../../run/config.js';
import { kindInstallDir } from '../kind/kind-binary.js';
import { KIND_MODULE, KIND_VERSION } from '../kind/kind-version.js';
import { combine, found, type CheckResult } from './check.js';
import { findExecutable } from './executables.js';
import { checkGo, type GoToolchain } from './go-toolchain.js';

/**
 * The kind CLI, found as harness/cluster/kind/kind-binary.ts finds it: on PATH, else the
 * suite's cached build; else it is built with `go install`, so Go must be there.
 */
export interface KindCliOptions {
  cacheDir: string;
  path?: string;
  goFallbacks?: readonly string[];
  provider?: ProviderName;
}

export function findKind(options: Pick<KindCliOptions, 'cacheDir' | 'path'>): string | undefined {
  return findExecutable('kind', options.path) ?? findExecutable(join(kindInstallDir(options.cacheDir), 'kind'));
}

export async function checkKindCli(options: KindCliOptions): Promise<CheckResult & { go?: GoToolchain; willBuild: boolean }> {
  const kind = findKind(options);
  if (kind) return { ...found('kind', kind), willBuild: false };
  const go = await checkGo({
    ...(options.path !== undefined ? { path: options.path } : {}),
    ...(options.goFallbacks ? { fallbacks: options.goFallbacks } : {}),
    provider: options.provider ?? 'kind',
    purpose: `kind ${KIND_VERSION} (go install ${KIND_MODULE}@${KIND_VERSION}; kind is neither on PATH nor cached)`,
  });
  const line = found('kind', `not on PATH nor in ${kindInstallDir(options.cacheDir)}: the run builds ${KIND_VERSION} with go install`);
  return { ...combine(line, go), ...(go.go ? { go: go.go } : {}), willBuild: true };
}
