import type { ChosenConfig } from '../registry-choice.js';
import { runtimeCommands } from '../local/runtime.js';
import { checkRuntimeBuild } from './runtime-build.js';
import { makePlan } from '../local/plan.js';
import { combine, found, type CheckResult } from './check.js';
import { checkCgroups } from './cgroups.js';
import { localDiskNeeds } from './disk-budget.js';
import { checkDockerEngine } from './docker-engine.js';
import { checkLocalClusterFree, findEarlierLocalRun } from './earlier-local-run.js';
import { checkFreeDisk } from './free-disk.js';
import { checkGo } from './go-toolchain.js';
import { checkHostCommands } from './host-commands.js';
import { checkImageBases } from './image-bases.js';
import { checkKernelFeatures } from './kernel-features.js';
import { checkLocalPorts } from './local-ports.js';
import { checkRoot } from './root.js';
import type { MachineOptions } from './machine.js';

/** What LocalProvider.checkHost() needs before anything runs: root, commands, kernel, cgroups. */
export function checkLocalHost(machine: MachineOptions = {}): CheckResult & { cgroupVersion: 1 | 2 } {
  const cgroups = checkCgroups({ ...(machine.cgroupRoot ? { root: machine.cgroupRoot } : {}), ...(machine.isCgroup2 ? { isCgroup2: machine.isCgroup2 } : {}) });
  const result = combine(
    checkRoot(machine.uid ?? process.getuid?.()),
    checkHostCommands({ path: pathOf(machine), ...(machine.cniBinDir ? { cniBinDir: machine.cniBinDir } : {}) }),
    checkKernelFeatures({ ...(machine.kmsg ? { kmsg: machine.kmsg } : {}), ...(machine.proc ? { proc: machine.proc } : {}) }),
    cgroups,
  );
  return { ...result, cgroupVersion: cgroups.version };
}

function pathOf(machine: MachineOptions): string {
  return (machine.env ?? process.env).PATH ?? '';
}

/** Everything a local run needs, the cluster's ports and disk included. */
export async function checkLocalProvider(config: ChosenConfig, machine: MachineOptions = {}): Promise<CheckResult> {
  const env = machine.env ?? process.env;
  const path = pathOf(machine);
  const uid = machine.uid ?? process.getuid?.();
  const options = found('options', `${config.nodes} node(s)`);
  const plan = makePlan(config, { nodes: config.nodes, runtime: runtimeCommands(config) });
  const earlier = findEarlierLocalRun(plan);
  const [docker, go, ports] = await Promise.all([
    checkDockerEngine({ path, uid, env, provider: 'local', ...(machine.daemonJson ? { daemonJson: machine.daemonJson } : {}) }),
    checkGo({ path, provider: 'local', purpose: "the local cluster's Kubernetes, etcd and pause binaries", ...(machine.goFallbacks ? { fallbacks: machine.goFallbacks } : {}) }),
    checkLocalPorts(plan, { path, earlierRunLeftovers: earlier.leftovers }),
  ]);
  const bases = await checkImageBases({ provider: 'local', mode: config.imageBases, mirror: config.debianMirror, cacheDir: config.cacheDir, path, uid, ...(docker.docker.answers && docker.docker.cli ? { docker: docker.docker.cli } : {}) });
  const { needs, cold } = localDiskNeeds({ cacheDir: config.cacheDir, stateDir: config.stateDir, repoRoot: config.repoRoot, ...(config.kubernetes ? { kubernetes: config.kubernetes } : {}), ...(go.go ? { go: go.go } : {}), ...(docker.docker.dataRoot ? { dockerDataRoot: docker.docker.dataRoot } : {}) });
  const disk = checkFreeDisk(needs, machine.disk);
  return combine(
    options,
    checkLocalHost(machine),
    checkRuntimeBuild(config.runtime, { path }),
    go,
    docker,
    bases,
    checkLocalClusterFree(plan, earlier),
    ports,
    { ...disk, notes: cold ? [...disk.notes, 'the kube binary is not cached yet: the run builds Kubernetes first (about 4 min on 2 idle cores, with progress lines) and needs the most disk'] : disk.notes },
  );
}
