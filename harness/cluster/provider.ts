import type { ImageRewrite } from '../engine/cluster-access.js';
import type { Log } from '../common/log.js';
import type { NodeAccessSpec } from './node-access.js';

/**
 * A cluster provider brings up (or attaches to) a cluster with a real kubelet, loads the demo
 * images into its container runtime, and tears it down. What it returns is written once into the
 * run handle (harness/run/run-handle.ts) for the test workers.
 */
export interface Cluster {
  /** Path of a kubeconfig whose current context is this cluster. */
  kubeconfig: string;
  /** Node names, for scenarios that read files on a node or need several nodes. */
  nodes: string[];
  /** e.g. v1.34.4 */
  kubernetesVersion: string;
  provider: string;
  /** The nodes' container runtime, e.g. containerd 1.6.20, where the provider knows it. */
  runtime?: string;
  /** The node image and where it came from (kind), e.g. `probe-conformance/kind-node:v1.35.4-<key> (built by this suite offline)`. */
  nodeImage?: string;
  nodeAccess: NodeAccessSpec;
  /** Kubelet log files on this machine, quoted in a failed scenario's evidence (local provider). */
  kubeletLogFiles?: string[];
}

/** How scenario manifests must name the demo images after loadImages (a registry), if not as built. */
export interface LoadedImages {
  rewrite?: ImageRewrite;
}

export interface ClusterProvider {
  readonly name: string;
  /** Brings the cluster up and waits until every node is Ready. */
  up(log: Log): Promise<Cluster>;
  /** Makes locally built Docker images available to the cluster's runtime. */
  loadImages(images: string[], log: Log): Promise<LoadedImages>;
  /** Copies node-level logs (kubelet, runtime) into dir, for failure reports. */
  collectNodeLogs(dir: string): Promise<void>;
  /** Stops the cluster and removes what it created. Safe to call twice and after a failed up(). */
  down(log: Log): Promise<void>;
}
