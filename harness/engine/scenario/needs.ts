import type { Scenario } from './schema.js';

/** What the cluster of this run can offer a scenario's `needs`. */
export interface ClusterAbilities {
  nodes: number;
  /** The provider can stop and start a node (kind). */
  nodeControl: boolean;
}

/** Why a scenario cannot run on this cluster ("needs 2 nodes, the cluster has 1"), or undefined. */
export function unmetNeeds(spec: Scenario, cluster: ClusterAbilities): string | undefined {
  const reasons: string[] = [];
  const nodes = spec.needs?.nodes ?? 1;
  if (cluster.nodes < nodes) reasons.push(`needs ${nodes} nodes, the cluster has ${cluster.nodes}`);
  if (spec.needs?.nodeControl && !cluster.nodeControl) reasons.push('needs a provider that can stop and start a node (kind, or local with --nodes 2)');
  return reasons.length ? reasons.join('; ') : undefined;
}
