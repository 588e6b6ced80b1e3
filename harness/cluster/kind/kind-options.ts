import { SetupError } from '../../common/errors.js';
import { DEFAULT_NODE_IMAGE } from './kind-version.js';

/**
 * The kind provider's own options, read from the environment (see docs/kind.md):
 * - PROBE_KIND_NODE_IMAGE: the kindest/node image every node runs (default: kind's default).
 * - PROBE_NODES: how many nodes (default 1; 2 = one control-plane + one worker).
 */
export interface KindOptions {
  nodeImage: string;
  nodes: number;
}

export const MAX_NODES = 10;

export function readKindOptions(env: NodeJS.ProcessEnv = process.env): KindOptions {
  const nodeImage = (env.PROBE_KIND_NODE_IMAGE ?? '').trim() || DEFAULT_NODE_IMAGE;
  if (/\s/.test(nodeImage)) {
    throw new SetupError(`PROBE_KIND_NODE_IMAGE=${JSON.stringify(env.PROBE_KIND_NODE_IMAGE)} is not an image reference`, `use e.g. ${DEFAULT_NODE_IMAGE}, or unset it`);
  }
  const rawNodes = (env.PROBE_NODES ?? '').trim();
  const nodes = rawNodes === '' ? 1 : Number(rawNodes);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_NODES) {
    throw new SetupError(`PROBE_NODES=${rawNodes} is not a node count`, `use a whole number from 1 to ${MAX_NODES} (1 = a single control-plane node; 2 = control-plane + one worker)`);
  }
  return { nodeImage, nodes };
}
