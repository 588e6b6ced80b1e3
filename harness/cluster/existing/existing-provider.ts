import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunConfig } from '../../run/config.js';
import type { Log } from '../../common/log.js';
import { run } from '../process/run.js';
import { ensureKind } from '../kind/kind-binary.js';
import type { NodeAccessSpec } from '../node-access.js';
import type { Cluster, ClusterProvider, LoadedImages } from '../provider.js';
import { checkPermissions, waitForUsableNode } from './cluster-checks.js';
import { checkOptIn, EXISTING_ENV, existingOptions, imageDelivery, kindClusterName, type ExistingConfig, type ImageDelivery } from './existing-options.js';
import { kindLoad, pushImages } from './images.js';
import { chooseContext, loadKubeconfigs, singleContextKubeconfig } from './kubeconfig.js';

/**
 * A cluster the user already has (PROBE_PROVIDER=existing), reached through KUBECONFIG and one
 * context the user opted in to by name. It never creates, changes the nodes of, or deletes the
 * cluster: up() only checks it and writes a one-context kubeconfig into a temporary directory,
 * and down() removes that directory. See docs/existing-cluster.md.
 */
export class ExistingProvider implements ClusterProvider {
  readonly name = 'existing';
  private tempDir?: string;
  private context?: string;
  private delivery?: ImageDelivery;
  /** The kind CLI, once found (kind-* contexts). */
  private kind?: string;
  private readonly removeOnExit = (): void => this.removeTempDir();

  constructor(private readonly config: Pick<RunConfig, 'cacheDir'> & ExistingConfig) {}

  async up(log: Log): Promise<Cluster> {
    // Everything that can be decided without the cluster is decided before contacting it.
    const options = existingOptions(this.config);
    const kc = loadKubeconfigs(options.kubeconfigFiles);
    const { context, cluster } = chooseContext(kc, options.context, options.kubeconfigFiles);
    checkOptIn(context.name, options.allowContext);
    const delivery = imageDelivery(context.name, options);
    const nodeAccess = this.nodeAccessSpec(context.name);
    this.context = context.name;
    this.delivery = delivery;

    this.tempDir = mkdtempSync(join(tmpdir(), 'probe-conformance-existing-'));
    process.once('exit', this.removeOnExit);
    const kubeconfig = join(this.tempDir, 'kubeconfig');
    writeFileSync(kubeconfig, singleContextKubeconfig(kc, context.name), { mode: 0o600 });
    log(`using the existing cluster of context ${context.name} (${cluster.server}); this run neither creates nor deletes it`);

    const verdicts = await waitForUsableNode(kubeconfig, cluster.server, context.name, log);
    await checkPermissions(kubeconfig, context.name, log);
    const usable = verdicts.filter((v) => v.usable);
    const skipped = verdicts.filter((v) => !v.usable);
    if (skipped.length > 0) log(`nodes the scenario pods cannot use: ${skipped.map((v) => `${v.name} (${v.why})`).join(', ')}`);
    const versions = [...new Set(usable.map((v) => v.kubeletVersion ?? 'unknown'))];
    if (versions.length > 1) log(`the nodes run different kubelet versions (${versions.join(', ')}); reporting ${versions[0]}`);

    return { kubeconfig, nodes: usable.map((v) => v.name), kubernetesVersion: versions[0] ?? 'unknown', provider: this.name, nodeAccess };
  }

  async loadImages(images: string[], log: Log): Promise<LoadedImages> {
    const delivery = this.delivery;
    if (!delivery) throw new Error('loadImages before up()');
    if (images.length === 0) return delivery.kind === 'registry' ? { rewrite: { registry: delivery.registry } } : {};
    switch (delivery.kind) {
      case 'registry': {
        const digests = await pushImages(delivery.registry, images, log);
        return { rewrite: { registry: delivery.registry, digests } };
      }
      case 'kind':
        await kindLoad(await this.kindPath(log), delivery.cluster, images, log);
        return {};
      case 'preloaded':
        log(`not loading the images (${EXISTING_ENV.imagesPreloaded}): every node must already have ${images.join(' ')}`);
        return {};
    }
  }

  async collectNodeLogs(dir: string): Promise<void> {
    mkdirSync(dir, { recursive: true });
    const cluster = this.context === undefined ? undefined : kindClusterName(this.context);
    if (cluster !== undefined) {
      let failure: string;
      try {
        const r = await run(await this.kindPath(() => undefined), ['export', 'logs', join(dir, 'kind'), '--name', cluster], { reject: false, timeoutMs: 5 * 60_000 });
        if (r.exitCode === 0) return;
        failure = `exit ${r.exitCode}: ${(r.stderr || r.stdout).trim()}`;
      } catch (e) {
        failure = (e as Error).message;
      }
      writeFileSync(join(dir, 'node-logs.txt'), `kind export logs --name ${cluster} failed (${failure})\n`);
      return;
    }
    writeFileSync(
      join(dir, 'node-logs.txt'),
      `Node logs (kubelet, container runtime) are not available for an existing cluster (context ${this.context ?? 'unknown'}): ` +
        'the run has no access to its nodes. Look at them with the cluster\'s own tools (e.g. journalctl -u kubelet on the node).\n',
    );
  }

  /** Removes the temporary kubeconfig; the cluster itself is left as it was. */
  async down(log: Log): Promise<void> {
    if (this.tempDir) log(`leaving the cluster of context ${this.context} as it was; removing the run's kubeconfig copy`);
    this.removeTempDir();
    process.removeListener('exit', this.removeOnExit);
  }

  /**
   * How the scenarios read files on a node. A kind node is a container (docker exec); other
   * nodes are out of reach, unless the user says how (PROBE_NODE_ACCESS set beforehand, e.g.
   * {"kind":"local"} when the cluster's only node is this machine). `control: false`: this run
   * must not stop or start the nodes of a cluster it does not own (see node-access.ts).
   */
  private nodeAccessSpec(context: string): NodeAccessSpec | { kind: 'docker'; control: false } {
    const given = this.config.nodeAccess;
    if (given) return given.kind === 'docker' ? { kind: 'docker', control: false } : given;
    if (kindClusterName(context) !== undefined) return { kind: 'docker', control: false };
    return { kind: 'none', reason: `the nodes of the existing cluster (context ${context}) are not reachable from this run` };
  }

  /** kind on PATH, else the suite's cached build (see harness/cluster/kind/kind-binary.ts). */
  private async kindPath(log: Log): Promise<string> {
    this.kind ??= (await ensureKind(this.config.cacheDir, log)).path;
    return this.kind;
  }

  private removeTempDir(): void {
    if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true });
    this.tempDir = undefined;
  }
}
