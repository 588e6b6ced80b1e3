import { AUTO, BUILT_NODE_IMAGE } from './kind-options.js';
import { dockerImageExists } from '../docker/cli.js';
import { ensureKindNodeImage } from './node-image.js';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunConfig } from '../../run/config.js';
import { LineTail } from '../docker/cli.js';
import { SetupError } from '../../common/errors.js';
import type { Log } from '../../common/log.js';
import { run } from '../process/run.js';
import type { NodeAccessSpec } from '../node-access.js';
import type { Cluster, ClusterProvider, LoadedImages } from '../provider.js';
import { ensureKind, type KindBinary } from './kind-binary.js';
import { expectedNodeNames, kindClusterConfig, needsCgroupV1Patch, newClusterName } from './kind-config.js';
import { checkDocker, clusterContainers, KIND_NETWORK, networkExists, removeClusterContainers, removeNetworkIfUnused } from './kind-docker.js';
import { explainCreateFailure } from './kind-errors.js';
import { kindOptions, type KindOptions } from './kind-options.js';
import { NodesNotReady, waitForNodesReady } from './kind-nodes.js';

const CREATE_TIMEOUT_MS = 20 * 60_000;
const NODES_READY_TIMEOUT_MS = 5 * 60_000;
const LOAD_TIMEOUT_MS = 30 * 60_000;
const DELETE_TIMEOUT_MS = 5 * 60_000;

/**
 * A cluster of Docker containers made by the `kind` CLI: one per run, named probe-<hex>, from a
 * generated config (config.nodes nodes running config.kindNodeImage). Its kubeconfig and config
 * live in a temp dir that down() removes with the cluster. See docs/kind.md.
 */
export class KindProvider implements ClusterProvider {
  readonly name = 'kind';
  readonly clusterName: string;
  readonly options: KindOptions;
  /** The config and kubeconfig of this cluster (mode 0700: the kubeconfig holds admin credentials). */
  readonly stateDir: string;
  private kind?: KindBinary;
  /** `kind create` was started: containers may exist until down() has deleted them. */
  private created = false;
  private stopping = false;
  /** Whether the kind network was there before this run's create (then it is left alone). */
  private networkExisted = true;
  private downing?: Promise<void>;

  constructor(
    private readonly config: RunConfig,
    overrides: { clusterName?: string; options?: KindOptions } = {},
  ) {
    this.options = overrides.options ?? kindOptions(config);
    this.clusterName = overrides.clusterName ?? newClusterName();
    this.stateDir = join(tmpdir(), `probe-conformance-${this.clusterName}`);
  }

  get kubeconfig(): string {
    return join(this.stateDir, 'kubeconfig');
  }

  get configFile(): string {
    return join(this.stateDir, 'kind-config.yaml');
  }

  /** Where node logs go when bringing the cluster up fails. */
  get failureLogsDir(): string {
    return join(this.config.reportsDir, 'kind-logs', this.clusterName);
  }

  /** The node image: the suite's own, built offline (`built`), or the one named, pulled by kind if missing; and where it came from. */
  private async nodeImage(log: Log): Promise<{ ref: string; origin: string }> {
    const asked = this.options.nodeImage;
    if (asked === AUTO) throw new Error('--kind-node-image auto reached the kind provider: choose first (harness/cluster/registry-choice.ts)');
    if (asked !== BUILT_NODE_IMAGE) {
      const origin = (await dockerImageExists(asked)) ? 'already in Docker' : 'pulled by kind';
      log(`kind node image: ${asked} (${origin}; without a registry use --kind-node-image built)`);
      return { ref: asked, origin };
    }
    const image = await ensureKindNodeImage({ config: this.config, log, ...(this.config.kubernetes !== undefined ? { kubernetes: this.config.kubernetes } : {}) });
    const origin = `built by this suite offline, ${image.source === 'cache' ? 'found in Docker' : `in ${image.seconds?.toFixed(0) ?? '?'} s`}`;
    log(`kind node image: ${image.ref} (${origin}); see docs/kind-node-image.md`);
    return { ref: image.ref, origin };
  }

  async up(log: Log): Promise<Cluster> {
    const { nodes } = this.options;
    const image = await this.nodeImage(log);
    const nodeImage = image.ref;
    const docker = await checkDocker();
    const kind = await ensureKind(this.config.cacheDir, log);
    this.kind = kind;
    await this.mentionOtherClusters(log);

    const cgroupV1 = docker.cgroupVersion === '1';
    mkdirSync(this.stateDir, { recursive: true, mode: 0o700 });
    writeFileSync(this.configFile, kindClusterConfig({ name: this.clusterName, nodes, nodeImage, cgroupV1, featureGates: this.config.featureGates }));
    if (needsCgroupV1Patch({ cgroupV1, nodeImage })) log('the Docker host uses cgroup v1: the kubelet config gets failCgroupV1: false (Kubernetes 1.35+ refuses cgroup v1 otherwise)');

    const args = ['create', 'cluster', '--name', this.clusterName, '--config', this.configFile, '--kubeconfig', this.kubeconfig, '--wait', '0s', '--retain'];
    log(`creating kind cluster ${this.clusterName} (${nodes} node(s), ${nodeImage}) with kind ${kind.version}: ${kind.path} ${args.join(' ')}`);
    const started = Date.now();
    const tail = new LineTail(20);
    if (this.stopping) throw this.stoppedError();
    this.networkExisted = await networkExists(KIND_NETWORK);
    this.created = true;
    const result = await run(kind.path, args, {
      reject: false,
      timeoutMs: CREATE_TIMEOUT_MS,
      onLine: (line) => {
        if (line.trim()) tail.push(line);
        log(`kind: ${line}`);
      },
    }).catch((err: unknown) => ({ exitCode: -1, stdout: '', stderr: err instanceof Error ? err.message : String(err) }));
    if (result.exitCode !== 0) {
      if (this.stopping) throw this.stoppedError();
      if (result.exitCode === -1) tail.push(result.stderr);
      const logsDir = await this.exportLogsAfterFailure(log);
      throw explainCreateFailure({ exitCode: result.exitCode, tail: tail.text(), nodeImage, clusterName: this.clusterName, logsDir });
    }
    log(`kind created ${this.clusterName} in ${((Date.now() - started) / 1000).toFixed(1)}s; waiting for ${nodes} node(s) to be Ready`);

    let state;
    try {
      state = await waitForNodesReady(this.kubeconfig, nodes, log, { timeoutMs: NODES_READY_TIMEOUT_MS });
    } catch (err) {
      if (!(err instanceof NodesNotReady)) throw err;
      const logsDir = await this.exportLogsAfterFailure(log);
      throw new SetupError(
        err.message,
        `read the node logs${logsDir ? ` in ${logsDir}` : ''} (kubelet.log, containerd.log, journal.log per node); NetworkPluginNotReady means the CNI (kindnet) did not start`,
      );
    }
    const containers = expectedNodeNames(this.clusterName, nodes);
    if (state.names.some((n) => !containers.includes(n))) {
      log(`warning: node names ${state.names.join(', ')} differ from kind's container names ${containers.join(', ')}; reading node files (docker exec <node>) will fail`);
    }
    log(`${state.names.join(', ')} Ready (Kubernetes ${state.kubeletVersion}) ${((Date.now() - started) / 1000).toFixed(1)}s after kind create began`);
    if (this.config.keepCluster) log(`PROBE_KEEP_CLUSTER: the cluster is kept after the run; remove it with: ${kind.path} delete cluster --name ${this.clusterName}`);
    const access: NodeAccessSpec = { kind: 'docker' };
    return { kubeconfig: this.kubeconfig, nodes: state.names, kubernetesVersion: state.kubeletVersion, provider: this.name, nodeAccess: access, nodeImage: `${nodeImage.split('@')[0]} (${image.origin})` };
  }

  async loadImages(images: string[], log: Log): Promise<LoadedImages> {
    if (images.length === 0) return {};
    const kind = this.requireKind();
    log(`loading ${images.length} image(s) into ${this.clusterName}: ${images.join(' ')}`);
    const started = Date.now();
    const r = await run(kind.path, ['load', 'docker-image', ...images, '--name', this.clusterName], { reject: false, timeoutMs: LOAD_TIMEOUT_MS });
    if (r.exitCode !== 0) {
      const tail = `${r.stderr}\n${r.stdout}`.trim().split('\n').slice(-10).join('\n    ');
      const logsDir = await this.exportLogsAfterFailure(log);
      throw new SetupError(
        `kind load docker-image into ${this.clusterName} failed (exit ${r.exitCode})${logsDir ? `; node logs: ${logsDir}` : ''}`,
        `check that each image is in \`docker images\` and the nodes have disk space (docker exec ${this.clusterName}-control-plane df -h /var)\n  last lines of kind's output:\n    ${tail}`,
      );
    }
    log(`loaded the images in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    return {};
  }

  /** `kind export logs`: per node kubelet, containerd and journal logs, pod logs, `docker inspect`. */
  async collectNodeLogs(dir: string): Promise<void> {
    const kind = this.requireKind();
    mkdirSync(dir, { recursive: true });
    await run(kind.path, ['export', 'logs', dir, '--name', this.clusterName], { timeoutMs: 5 * 60_000 });
  }

  /** Deletes the cluster and its temp dir. Safe to call twice, concurrently, and after a failed up(). */
  down(log: Log): Promise<void> {
    this.stopping = true;
    this.downing ??= this.deleteEverything(log).finally(() => {
      this.downing = undefined;
    });
    return this.downing;
  }

  private async deleteEverything(log: Log): Promise<void> {
    if (this.created) {
      if (this.kind) {
        log(`deleting kind cluster ${this.clusterName}`);
        const r = await run(this.kind.path, ['delete', 'cluster', '--name', this.clusterName, '--kubeconfig', this.kubeconfig], { reject: false, timeoutMs: DELETE_TIMEOUT_MS }).catch(
          (err: unknown) => ({ exitCode: -1, stdout: '', stderr: String(err) }),
        );
        if (r.exitCode !== 0) log(`kind delete cluster ${this.clusterName} failed (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | ')}`);
      }
      // A `kind create` killed by Ctrl-C may have had a container start after kind delete looked.
      await removeClusterContainers(this.clusterName, log).catch((err: unknown) => log(`could not check for leftover containers: ${String(err)}`));
      if ((await clusterContainers(this.clusterName).catch(() => [])).length === 0) {
        this.created = false;
        if (!this.networkExisted) await removeNetworkIfUnused(KIND_NETWORK, log).catch((err: unknown) => log(`could not check the Docker network ${KIND_NETWORK}: ${String(err)}`));
      }
    }
    rmSync(this.stateDir, { recursive: true, force: true });
  }

  private stoppedError(): SetupError {
    return new SetupError(`creating kind cluster ${this.clusterName} was stopped (the run is stopping)`, 'nothing to do: down() deletes what was created; run again');
  }

  private requireKind(): KindBinary {
    if (!this.kind) throw new Error('the kind cluster is not up (call up() first)');
    return this.kind;
  }

  /** Exports node logs into reports/ when node containers exist (kind --retain keeps them after a failed create). */
  private async exportLogsAfterFailure(log: Log): Promise<string | undefined> {
    if (this.stopping || !this.kind) return undefined;
    const containers = await clusterContainers(this.clusterName).catch(() => []);
    if (containers.length === 0) return undefined;
    const dir = this.failureLogsDir;
    log(`exporting the node logs of ${this.clusterName} to ${dir}`);
    try {
      await this.collectNodeLogs(dir);
      return dir;
    } catch (err) {
      log(`kind export logs failed: ${err instanceof Error ? err.message.split('\n').slice(0, 3).join(' | ') : String(err)}`);
      return undefined;
    }
  }

  /** Other clusters named like ours (a killed run's, or a kept one): a hint, never deleted here. */
  private async mentionOtherClusters(log: Log): Promise<void> {
    const r = await run(this.requireKind().path, ['get', 'clusters'], { reject: false, timeoutMs: 60_000 });
    const others = r.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('probe-'));
    if (others.length > 0) log(`other kind clusters from earlier runs exist: ${others.join(', ')} (remove each with kind delete cluster --name <name>)`);
  }
}
