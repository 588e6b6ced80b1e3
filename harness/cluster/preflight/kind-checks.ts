import type { ChosenConfig } from '../registry-choice.js';
import { combine, found, type CheckResult } from './check.js';
import { kindDiskNeeds } from './disk-budget.js';
import { checkDockerEngine } from './docker-engine.js';
import { checkFreeDisk } from './free-disk.js';
import { checkGo } from './go-toolchain.js';
import { BUILT_NODE_IMAGE } from '../kind/kind-options.js';
import { checkImageBases } from './image-bases.js';
import { checkKindCli } from './kind-cli.js';
import type { MachineOptions } from './machine.js';

/**
 * A kind run: its options, a Docker engine (the nodes are containers), kind or Go to build it, disk;
 * with the suite's own node image (`built`) also what builds it: Go, and the debootstrap base.
 */
export async function checkKindProvider(config: ChosenConfig, machine: MachineOptions = {}): Promise<CheckResult> {
  const env = machine.env ?? process.env;
  const path = env.PATH ?? '';
  const uid = machine.uid ?? process.getuid?.();
  const built = config.kindNodeImage === BUILT_NODE_IMAGE;
  const options = found('kind options', `${config.nodes} node(s), ${built ? "the suite's own node image (built offline)" : config.kindNodeImage}`);
  const goFallbacks = machine.goFallbacks ? { fallbacks: machine.goFallbacks } : {};
  const [docker, kind, go] = await Promise.all([
    checkDockerEngine({ path, uid, env, provider: 'kind', ...(machine.daemonJson ? { daemonJson: machine.daemonJson } : {}) }),
    checkKindCli({ cacheDir: config.cacheDir, path, provider: 'kind', ...(machine.goFallbacks ? { goFallbacks: machine.goFallbacks } : {}) }),
    built ? checkGo({ path, provider: 'kind', purpose: "the kind node image's Kubernetes, kubeadm, etcd, CoreDNS and CNI", ...goFallbacks }) : undefined,
  ]);
  const dockerCli = docker.docker.answers && docker.docker.cli ? { docker: docker.docker.cli } : {};
  const bases = await checkImageBases({ provider: 'kind', mode: config.imageBases, mirror: config.debianMirror, cacheDir: config.cacheDir, path, uid, ...dockerCli });
  // The node image is built on the same debootstrap base as the offline image bases.
  const nodeBase = built && config.imageBases !== 'offline' ? await checkImageBases({ provider: 'kind', mode: 'offline', mirror: config.debianMirror, cacheDir: config.cacheDir, path, uid, ...dockerCli }) : undefined;
  const goToolchain = go?.go ?? kind.go;
  const disk = checkFreeDisk(
    kindDiskNeeds({ buildsKind: kind.willBuild, buildsNodeImage: built, ...(goToolchain ? { go: goToolchain } : {}), ...(docker.docker.dataRoot ? { dockerDataRoot: docker.docker.dataRoot } : {}) }),
    machine.disk,
  );
  return combine(options, docker, kind, ...(go ? [go] : []), bases, ...(nodeBase ? [nodeBase] : []), disk);
}
