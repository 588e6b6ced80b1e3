import { randomBytes } from 'node:crypto';
import YAML from 'yaml';

/**
 * The kind Cluster config a run creates its cluster from (a pure function of its inputs;
 * https://kind.sigs.k8s.io/docs/user/configuration/).
 */
export interface KindClusterSpec {
  name: string;
  /** 1 = a single control-plane node (kind then lets it run pods); n > 1 adds n - 1 workers. */
  nodes: number;
  nodeImage: string;
  /** The Docker host uses cgroup v1 (`docker info` CgroupVersion 1). */
  cgroupV1: boolean;
  /** Set on every component (kind's featureGates); none: the release's defaults. */
  featureGates?: Record<string, boolean>;
}

/** kind cluster names become container names and kubeconfig context names (kind-<name>). */
const NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** A name unique to this run, e.g. probe-3fa9c01b. */
export function newClusterName(random: () => Buffer = () => randomBytes(4)): string {
  return `probe-${random().toString('hex')}`;
}

export function isValidClusterName(name: string): boolean {
  return NAME.test(name);
}

/** The Kubernetes minor of a kindest/node tag (kindest/node:v1.36.1@sha256:... -> 36), if the tag says. */
export function nodeImageMinor(image: string): number | undefined {
  const tag = /:v1\.(\d+)\.\d+/.exec(image.split('@')[0] ?? '');
  return tag?.[1] === undefined ? undefined : Number(tag[1]);
}

/**
 * The kubelet refuses to start on a cgroup v1 host from Kubernetes 1.35 on (KubeletConfiguration
 * failCgroupV1 defaults to true), and kind does not change that; 1.31-1.34 have the field, off.
 * An image whose tag does not say its version gets the patch too (harmless from 1.31 on).
 */
export function needsCgroupV1Patch(spec: Pick<KindClusterSpec, 'cgroupV1' | 'nodeImage'>): boolean {
  if (!spec.cgroupV1) return false;
  const minor = nodeImageMinor(spec.nodeImage);
  return minor === undefined || minor >= 35;
}

export const CGROUP_V1_PATCH = 'kind: KubeletConfiguration\nfailCgroupV1: false\n';

export function kindClusterConfig(spec: KindClusterSpec): string {
  if (!isValidClusterName(spec.name)) throw new Error(`not a valid kind cluster name: ${spec.name}`);
  if (!Number.isInteger(spec.nodes) || spec.nodes < 1) throw new Error(`node count must be a whole number >= 1, got ${spec.nodes}`);
  const nodes = Array.from({ length: spec.nodes }, (_, i) => ({ role: i === 0 ? 'control-plane' : 'worker', image: spec.nodeImage }));
  const config: Record<string, unknown> = { kind: 'Cluster', apiVersion: 'kind.x-k8s.io/v1alpha4', name: spec.name, nodes };
  if (spec.featureGates && Object.keys(spec.featureGates).length) config.featureGates = spec.featureGates;
  if (needsCgroupV1Patch(spec)) config.kubeadmConfigPatches = [CGROUP_V1_PATCH];
  return YAML.stringify(config);
}

/**
 * The node (= container) names kind gives a cluster: <name>-control-plane, <name>-worker,
 * <name>-worker2, ... (kind's pkg/cluster/internal/providers/common/namer.go).
 */
export function expectedNodeNames(name: string, nodes: number): string[] {
  return Array.from({ length: nodes }, (_, i) => (i === 0 ? `${name}-control-plane` : i === 1 ? `${name}-worker` : `${name}-worker${i}`));
}
