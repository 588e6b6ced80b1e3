import semver from 'semver';
import type { Scenario } from './schema.js';

/** What the cluster of this run can offer a scenario's `needs`. */
export interface ClusterAbilities {
  nodes: number;
  /** The provider can stop and start a node (kind). */
  nodeControl: boolean;
  /** The provider can restart the API server and kubelets (local); absent: no. */
  componentRestart?: boolean;
  /** The nodes' Kubernetes version (v1.35.4); unknown -> a scenario with `needs.kubernetes` is not run. */
  kubernetesVersion?: string;
  /** The feature gates the API server reports; absent -> `featureGatesUnknown` says why. */
  featureGates?: Record<string, boolean>;
  featureGatesUnknown?: string;
  /** The nodes' container runtime as they report it (`containerd://1.6.20`; several joined by ", "); unknown -> a scenario with `needs.runtime` is not run. */
  runtime?: string;
}

/** A `needs.kubernetes` range (">=1.34", ">=1.33 <1.36", "1.35.x") as semver reads it, or a problem. */
export function kubernetesRangeProblem(range: string): string | undefined {
  return semver.validRange(range) === null ? `"${range}" is not a version range (write e.g. ">=1.34", ">=1.33 <1.36" or "1.35.x")` : undefined;
}

/** A `needs.runtime` read as a runtime name and optionally a range ("containerd >=2.3", "containerd"), or undefined. */
function parseRuntimeNeed(need: string): { name: string; range?: string } | undefined {
  const m = /^([a-z][a-z0-9.-]*)(?:\s+(.+))?$/.exec(need.trim());
  return m ? { name: m[1]!, ...(m[2] !== undefined ? { range: m[2] } : {}) } : undefined;
}

/** Why a `needs.runtime` cannot be read, or undefined. */
export function runtimeNeedProblem(need: string): string | undefined {
  const parsed = parseRuntimeNeed(need);
  if (!parsed) return `"${need}" is not a runtime and a version range (write e.g. "containerd >=2.3" or "containerd <2.3")`;
  return parsed.range !== undefined && semver.validRange(parsed.range) === null ? `"${parsed.range}" in "${need}" is not a version range (write e.g. ">=2.3" or "<2.3")` : undefined;
}

/** Whether a runtime a node reports (`containerd://2.3.7`) meets a `needs.runtime`. */
function runtimeMeets(reported: string, need: string): boolean {
  const wanted = parseRuntimeNeed(need);
  const m = /^([^:]+):\/\/v?(.+)$/.exec(reported.trim());
  if (!wanted || !m || m[1] !== wanted.name) return false;
  const version = semver.coerce(m[2]!)?.version;
  return wanted.range === undefined || (version !== undefined && semver.satisfies(version, wanted.range));
}

/** v1.36.0-alpha.1 counts as 1.36.0 for ranges: a pre-release is that release's behaviour, not the one before. */
function releaseOf(version: string): string | undefined {
  return semver.coerce(version)?.version;
}

/** Why a scenario cannot run on this cluster ("needs 2 nodes, the cluster has 1"), or undefined. */
export function unmetNeeds(spec: Scenario, cluster: ClusterAbilities): string | undefined {
  const reasons: string[] = [];
  const needs = spec.needs;
  const nodes = needs?.nodes ?? 1;
  if (cluster.nodes < nodes) reasons.push(`needs ${nodes} nodes, the cluster has ${cluster.nodes}`);
  if (needs?.nodeControl && !cluster.nodeControl) reasons.push('needs a provider that can stop and start a node (kind, or local with --nodes 2)');
  if (needs?.componentRestart && !cluster.componentRestart) reasons.push('needs a provider that can restart the API server and kubelets (local)');
  if (needs?.kubernetes) {
    const release = cluster.kubernetesVersion ? releaseOf(cluster.kubernetesVersion) : undefined;
    if (!release) reasons.push(`needs Kubernetes ${needs.kubernetes}, the cluster's version is unknown (${cluster.kubernetesVersion ?? 'not reported'})`);
    else if (!semver.satisfies(release, needs.kubernetes)) reasons.push(`needs Kubernetes ${needs.kubernetes}, the cluster runs ${cluster.kubernetesVersion}`);
  }
  if (needs?.runtime) {
    if (!cluster.runtime) reasons.push(`needs runtime ${needs.runtime}, the nodes' runtime is unknown`);
    else if (!cluster.runtime.split(', ').every((r) => runtimeMeets(r, needs.runtime!))) reasons.push(`needs runtime ${needs.runtime}, the nodes run ${cluster.runtime}`);
  }
  for (const gate of needs?.featureGates ?? []) {
    if (!cluster.featureGates) reasons.push(`needs feature gate ${gate}, the cluster's gates are unknown (${cluster.featureGatesUnknown ?? 'not read'})`);
    else if (!(gate in cluster.featureGates)) reasons.push(`needs feature gate ${gate}, which this Kubernetes does not know`);
    else if (!cluster.featureGates[gate]) reasons.push(`needs feature gate ${gate}, which is off on this cluster (the clusters the suite makes turn it on with --feature-gates ${gate}=true)`);
  }
  return reasons.length ? reasons.join('; ') : undefined;
}
