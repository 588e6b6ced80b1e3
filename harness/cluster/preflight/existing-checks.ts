import type { ChosenConfig } from '../registry-choice.js';
import { existingOptions } from '../existing/existing-options.js';
import { combine, type CheckResult } from './check.js';
import { existingDiskNeeds } from './disk-budget.js';
import { checkDockerEngine } from './docker-engine.js';
import { checkExistingContext } from './existing-context.js';
import { checkFreeDisk } from './free-disk.js';
import { checkImageBases } from './image-bases.js';
import { checkKindCli } from './kind-cli.js';
import type { MachineOptions } from './machine.js';

/**
 * A run on a cluster the user has: the context and its exact opt-in, the API server's port, a
 * Docker engine (the demo images are built here), and kind (or Go) when images go by `kind load`.
 */
export async function checkExistingProvider(config: ChosenConfig, machine: MachineOptions = {}): Promise<CheckResult> {
  const env = machine.env ?? process.env;
  const path = env.PATH ?? '';
  const uid = machine.uid ?? process.getuid?.();
  const [context, docker] = await Promise.all([
    checkExistingContext(existingOptions(config), machine.connectTimeoutMs ? { connectTimeoutMs: machine.connectTimeoutMs } : {}),
    checkDockerEngine({ path, uid, env, provider: 'existing', ...(machine.daemonJson ? { daemonJson: machine.daemonJson } : {}) }),
  ]);
  const kind =
    context.delivery?.kind === 'kind'
      ? await checkKindCli({ cacheDir: config.cacheDir, path, provider: 'kind' /* install.sh --provider kind installs Go */, ...(machine.goFallbacks ? { goFallbacks: machine.goFallbacks } : {}) })
      : undefined;
  const bases = await checkImageBases({ provider: 'existing', mode: config.imageBases, mirror: config.debianMirror, cacheDir: config.cacheDir, path, uid, ...(docker.docker.answers && docker.docker.cli ? { docker: docker.docker.cli } : {}) });
  const disk = checkFreeDisk(existingDiskNeeds({ ...(docker.docker.dataRoot ? { dockerDataRoot: docker.docker.dataRoot } : {}) }), machine.disk);
  return combine(context, docker, ...(kind ? [kind] : []), bases, disk);
}
