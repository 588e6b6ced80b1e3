import type { RunConfig } from '../../run/config.js';

/** The kind provider's own options (see docs/kind.md and harness/run/options.ts). */
export interface KindOptions {
  nodeImage: string;
  nodes: number;
}

export function kindOptions(config: Pick<RunConfig, 'kindNodeImage' | 'nodes'>): KindOptions {
  return { nodeImage: config.kindNodeImage, nodes: config.nodes };
}
