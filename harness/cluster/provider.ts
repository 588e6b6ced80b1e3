/**
 * A cluster provider brings up (or attaches to) a cluster with a real kubelet, loads the demo
 * images into its container runtime, and tears it down. The scenarios only see a kubeconfig.
 */
export interface Cluster {
  /** Path of a kubeconfig whose current context is this cluster. */
  kubeconfig: string;
  /** Node names, for scenarios that read files on a node or need several nodes. */
  nodes: string[];
  /** e.g. v1.34.4 */
  kubernetesVersion: string;
  provider: string;
}

export interface ClusterProvider {
  readonly name: string;
  /** Brings the cluster up and waits until every node is Ready. */
  up(log: (line: string) => void): Promise<Cluster>;
  /** Makes locally built Docker images available to the cluster's runtime. */
  loadImages(images: string[], log: (line: string) => void): Promise<void>;
  /** Reads a file on a node (hostPath side effects, e.g. a preStop hook's output). */
  readNodeFile(node: string, path: string): Promise<string>;
  /** Copies node-level logs (kubelet, runtime) into dir, for failure reports. */
  collectNodeLogs(dir: string): Promise<void>;
  /** Stops the cluster and removes what it created. Safe to call twice and after a failed up(). */
  down(log: (line: string) => void): Promise<void>;
}
