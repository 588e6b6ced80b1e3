import type { RunConfig } from '../../run/config.js';

/** The kind provider's own options (see docs/kind.md and harness/run/options.ts). */
export interface KindOptions {
  nodeImage: string;
  nodes: number;
}

/** The default of --image-bases and --kind-node-image: chosen for this machine (registry-choice.ts). */
export const AUTO = 'auto';
/** --kind-node-image built: the suite's own node image (node-image.ts), built offline and cached. */
export const BUILT_NODE_IMAGE = 'built';

export function kindOptions(config: Pick<RunConfig, 'kindNodeImage' | 'nodes'>): KindOptions {
  return { nodeImage: config.kindNodeImage, nodes: config.nodes };
}
