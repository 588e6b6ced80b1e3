import { noNodeAccess, type NodeAccess } from '../engine/cluster-access.js';
import { dockerNodeAccess } from './kind/docker-node-access.js';
import { localNodeAccess } from './local/node-access.js';
import type { LocalComponents } from './local/component-control.js';
import type { LocalNodeControl } from './local/node-control.js';

/**
 * How a run reaches its nodes, as data a provider returns and the run handle carries to the test
 * workers (harness/run/run-handle.ts), which turn it into a NodeAccess with nodeAccessFor().
 * - local: every node is this machine; `control` (2+ nodes) says how to stop and start each kubelet;
 *   `components`, how to restart the API server and each kubelet.
 * - docker: each node is a container (kind); `control: false` for nodes that are someone else's.
 */
export type NodeAccessSpec = { kind: 'local'; control?: LocalNodeControl; components?: LocalComponents } | { kind: 'docker'; control?: boolean } | { kind: 'none'; reason: string };

/** Whether the provider can stop and start nodes (see NodeAccess.control). */
export function nodeControlAvailable(spec: NodeAccessSpec): boolean {
  if (spec.kind === 'local') return Object.keys(spec.control ?? {}).length > 0;
  return spec.kind === 'docker' && spec.control !== false;
}

/** Whether the provider can restart the API server and kubelets (see NodeAccess.components). */
export function componentRestartAvailable(spec: NodeAccessSpec): boolean {
  return spec.kind === 'local' && spec.components !== undefined;
}

export function nodeAccessFor(spec: NodeAccessSpec): NodeAccess {
  switch (spec.kind) {
    case 'local':
      return localNodeAccess(spec.control, spec.components);
    case 'docker':
      return dockerNodeAccess(spec.control !== false);
    default:
      return noNodeAccess(spec.reason);
  }
}
