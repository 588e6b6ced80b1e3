import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../../run/config.js';
import { SetupError } from '../../common/errors.js';
import type { Log } from '../../common/log.js';
import { isAlive } from '../process/daemon.js';
import { run } from '../process/run.js';
import type { NodeAccessSpec } from '../node-access.js';
import type { Cluster, ClusterProvider, LoadedImages } from '../provider.js';
import { ensureBinaries, type LocalBinaries } from './binaries.js';
import { writeConfigs, type ConfigFiles } from './configs.js';
import type { LocalDaemonSpec } from './daemon-control.js';
import { checkFeatureGates } from './feature-gate-check.js';
import { checkHost, checkPortsFree, makeRootShared, type HostFacts } from './host-checks.js';
import { loadDockerImages } from './images.js';
import { clearPodCgroups } from './cgroups.js';
import { removeKubeChains } from './iptables.js';
import { killLeftoverProcesses, unmountAll } from './leftovers.js';
import { setUpNetwork, tearDownNetwork, type NetworkState } from './network.js';
import type { LocalNodeControl } from './node-control.js';
import { writePki } from './pki.js';
import { runtimeCommands, ensureRuntime } from './runtime.js';
import { apiserverURL, makePlan, type LocalNode, type LocalPlan } from './plan.js';
import { commandLines, daemonOrder, isRunning, kubeletCommandLine, kubeletHealthzURL, logFile, pidFile, startCluster, stopDaemons } from './processes.js';

/** What down() needs to undo, kept on disk so a later run can clean up after a killed one. */
interface StateFile {
  network?: NetworkState;
  /** The multi-call binary, for `cri-reset`. */
  kube?: string;
  /** How many nodes that run had: down() after a 2-node run also removes node 2's. */
  nodes?: number;
}

/**
 * A cluster of host processes (etcd, control plane, per node a containerd and a kubelet,
 * kube-proxy), built from source and kept on this machine's own addresses; one node unless
 * config.nodes says more. See docs/local-cluster.md.
 */
export class LocalProvider implements ClusterProvider {
  readonly name = 'local';
  private readonly plan: LocalPlan;
  private facts?: HostFacts;
  private binaries?: LocalBinaries;

  constructor(private readonly config: RunConfig) {
    this.plan = makePlan(config, { nodes: config.nodes, runtime: runtimeCommands(config), featureGates: config.featureGates });
  }

  async up(log: Log): Promise<Cluster> {
    const plan = this.plan;
    const facts = await checkHost(plan);
    this.facts = facts;
    this.refuseIfInUse();
    // pid files and the state file live under the root: its presence is what an earlier run left
    if (existsSync(plan.paths.root)) {
      log(`cleaning up what an earlier run left in ${plan.paths.root}`);
      await this.down(log);
    }
    await checkPortsFree(plan);
    const started = Date.now();
    const binaries = await ensureBinaries(this.config, log);
    await checkFeatureGates(plan.featureGates, binaries.components['kube-apiserver'], binaries.kubernetesVersion);
    await ensureRuntime(this.config, log);
    this.binaries = binaries;
    await makeRootShared(log);
    mkdirSync(plan.paths.root, { recursive: true });
    writeFileSync(this.ownerFile(), `${process.pid}\n`);
    const state: StateFile = { kube: binaries.kube, nodes: plan.nodes.length };
    this.writeState(state);
    state.network = await setUpNetwork(plan, log);
    this.writeState(state);
    await writePki(plan);
    const files = writeConfigs(plan, facts, binaries);
    const clusterStart = Date.now();
    await startCluster(plan, binaries, files, facts, log);
    const names = plan.nodes.map((n) => n.name);
    log(`node(s) ${names.join(', ')} Ready ${((Date.now() - clusterStart) / 1000).toFixed(1)}s after the daemons started (${((Date.now() - started) / 1000).toFixed(1)}s with builds)`);
    const kubelets = this.nodeControl(binaries);
    const access: NodeAccessSpec = { kind: 'local', ...(plan.nodes.length > 1 ? { control: kubelets } : {}), components: { apiserver: this.apiserver(binaries, files), kubelets } };
    return {
      kubeconfig: plan.paths.adminKubeconfig,
      nodes: names,
      kubernetesVersion: binaries.kubernetesVersion,
      provider: this.name,
      nodeAccess: access,
      kubeletLogFiles: plan.nodes.map((n) => logFile(plan, n.daemons.kubelet)),
    };
  }

  /** How a `restart` step stops and starts the API server (component-control.ts). */
  private apiserver(binaries: LocalBinaries, files: ConfigFiles): LocalDaemonSpec {
    const plan = this.plan;
    return {
      ...commandLines(plan, binaries, files)['kube-apiserver']!,
      pidFile: pidFile(plan, 'kube-apiserver'),
      logFile: logFile(plan, 'kube-apiserver'),
      healthz: `${apiserverURL(plan)}/readyz`,
      caFile: join(plan.paths.pki, 'ca.crt'),
    };
  }

  /** Test workers can stop and start any node's kubelet (node-control.ts; a node stop needs 2+ nodes). */
  private nodeControl(binaries: LocalBinaries): LocalNodeControl {
    const plan = this.plan;
    return Object.fromEntries(
      plan.nodes.map((node) => [
        node.name,
        { ...kubeletCommandLine(plan, node, binaries), pidFile: pidFile(plan, node.daemons.kubelet), logFile: logFile(plan, node.daemons.kubelet), healthz: kubeletHealthzURL(node) },
      ]),
    );
  }

  async loadImages(images: string[], log: Log): Promise<LoadedImages> {
    await loadDockerImages(this.plan, images, this.facts?.snapshotter ?? 'overlayfs', log);
    return {};
  }

  async collectNodeLogs(dir: string): Promise<void> {
    mkdirSync(dir, { recursive: true });
    for (const name of [...this.plan.nodes.flatMap((n) => [n.daemons.kubelet, n.daemons.containerd]), 'kube-proxy', 'kube-apiserver', 'kube-controller-manager']) {
      const file = logFile(this.plan, name);
      if (existsSync(file)) copyFileSync(file, join(dir, `${name}.log`));
    }
  }

  /**
   * Stops everything in the order that leaves nothing behind: the kubelets and kube-proxy first
   * (so nothing recreates pods), then every pod sandbox of every node through the CRI (CNI DEL,
   * netns unmount), then the containerds and the control plane; then leftover processes and
   * mounts, pod cgroups (and the nodes' cgroup roots), iptables chains, the network, and the
   * state dirs. Safe to run twice; covers as many nodes as the run that left them had.
   */
  async down(log: Log): Promise<void> {
    const state = this.readState();
    const plan = (state.nodes ?? 1) > this.plan.nodes.length ? makePlan(this.config, { nodes: state.nodes, runtime: this.plan.runtime }) : this.plan;
    await stopDaemons(plan, log, ['kube-proxy', ...plan.nodes.map((n) => n.daemons.kubelet)]);
    for (const node of plan.nodes) if (isRunning(plan, node.daemons.containerd)) await this.resetPods(node, state, log);
    await stopDaemons(plan, log, daemonOrder(plan));
    await killLeftoverProcesses(plan, log);
    await clearPodCgroups(plan, log);
    await unmountAll(plan, log);
    await removeKubeChains(log);
    await tearDownNetwork(plan, state.network, log);
    rmSync(plan.paths.run, { recursive: true, force: true });
    rmSync(plan.paths.root, { recursive: true, force: true });
  }

  private async resetPods(node: LocalNode, state: StateFile, log: Log): Promise<void> {
    const kube = this.binaries?.kube ?? state.kube;
    if (!kube || !existsSync(kube)) return;
    const r = await run(kube, ['cri-reset', '--endpoint', `unix://${node.paths.containerdSocket}`, '--timeout', '90s'], { reject: false, timeoutMs: 120_000 });
    const removed = r.stdout.split('\n').filter(Boolean).length;
    if (removed > 0) log(`removed ${removed} pod sandbox(es) of ${node.name} through the CRI`);
    if (r.exitCode !== 0) log(`cri-reset failed (exit ${r.exitCode}), continuing: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | ')}`);
  }

  private ownerFile(): string {
    return join(this.plan.paths.root, 'owner.pid');
  }

  /** Another run that is still alive owns the cluster: cleaning it up would pull it from under that run. */
  private refuseIfInUse(): void {
    let pid: number;
    try {
      pid = Number(readFileSync(this.ownerFile(), 'utf8').trim());
    } catch {
      return;
    }
    if (Number.isInteger(pid) && pid > 1 && pid !== process.pid && isAlive(pid)) {
      throw new SetupError(
        `the local cluster in ${this.plan.paths.root} is in use by another run (pid ${pid})`,
        `wait for that run to finish, or stop it (kill ${pid}; its cluster is then removed by the next run)`,
      );
    }
  }

  private writeState(state: StateFile): void {
    writeFileSync(this.plan.paths.stateFile, `${JSON.stringify(state)}\n`);
  }

  private readState(): StateFile {
    try {
      return JSON.parse(readFileSync(this.plan.paths.stateFile, 'utf8')) as StateFile;
    } catch {
      return {};
    }
  }
}
