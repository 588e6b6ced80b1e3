import type { RunConfig } from '../../run/config.js';
import { combine, found, type CheckResult } from './check.js';
import { kindDiskNeeds } from './disk-budget.js';
import { checkDockerEngine } from './docker-engine.js';
import { checkFreeDisk } from './free-disk.js';
import { checkImageBases } from './image-bases.js';
import { checkKindCli } from './kind-cli.js';
import type { MachineOptions } from './machine.js';

/** A kind run: its options, a Docker engine (the nodes are containers), kind or Go to build it, disk. */
export async function checkKindProvider(config: RunConfig, machine: MachineOptions = {}): Promise<CheckResult> {
  const env = machine.env ?? process.env;
  const path = env.PATH ?? '';
  const uid = machine.uid ?? process.getuid?.();
  const options = found('kind options', `${config.nodes} node(s), ${config.kindNodeImage}`);
  const [docker, kind] = await Promise.all([
    checkDockerEngine({ path, uid, env, provider: 'kind', ...(machine.daemonJson ? { daemonJson: machine.daemonJson } : {}) }),
    checkKindCli({ cacheDir: config.cacheDir, path, provider: 'kind', ...(machine.goFallbacks ? { goFallbacks: machine.goFallbacks } : {}) }),
  ]);
  const bases = await checkImageBases({ provider: 'kind', mode: config.imageBases, mirror: config.debianMirror, cacheDir: config.cacheDir, path, uid, ...(docker.docker.answers && docker.docker.cli ? { docker: docker.docker.cli } : {}) });
  const disk = checkFreeDisk(
    kindDiskNeeds({ buildsKind: kind.willBuild, ...(kind.go ? { go: kind.go } : {}), ...(docker.docker.dataRoot ? { dockerDataRoot: docker.docker.dataRoot } : {}) }),
    machine.disk,
  );
  return combine(options, docker, kind, bases, disk);
}
