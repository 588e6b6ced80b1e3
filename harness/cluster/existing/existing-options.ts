import type { RunConfig } from '../../run/config.js';
import { SetupError } from '../../common/errors.js';
import { OPTIONS } from '../../run/options.js';

/**
 * Options of the existing-cluster provider (PROBE_PROVIDER=existing), from the RunConfig
 * (harness/run/options.ts). See docs/existing-cluster.md.
 */
export const EXISTING_ENV = {
  context: OPTIONS.context.env,
  allowContext: OPTIONS.allowContext.env,
  registry: OPTIONS.imageRegistry.env,
  imagesPreloaded: OPTIONS.imagesPreloaded.env,
  nodeAccess: OPTIONS.nodeAccess.env,
} as const;

export type ExistingConfig = Pick<RunConfig, 'kubeconfigFiles' | 'context' | 'allowContext' | 'imageRegistry' | 'imagesPreloaded' | 'nodeAccess'>;

export interface ExistingOptions {
  /** The kubeconfig files, in KUBECONFIG order (the first one that sets a value wins, as with kubectl). */
  kubeconfigFiles: string[];
  /** Default: the kubeconfig's current context. */
  context?: string | undefined;
  /** The opt-in: must equal the context name exactly. */
  allowContext?: string | undefined;
  /** Where the demo images are pushed, e.g. localhost:5000 or ghcr.io/me. */
  registry?: string | undefined;
  /** The demo images are already in every node's runtime; neither push nor load them. */
  imagesPreloaded: boolean;
}

/** How the demo images reach the cluster's nodes. */
export type ImageDelivery =
  | { kind: 'registry'; registry: string }
  | { kind: 'kind'; cluster: string }
  | { kind: 'preloaded' };

export function existingOptions(config: ExistingConfig): ExistingOptions {
  const { kubeconfigFiles, context, allowContext, imageRegistry, imagesPreloaded } = config;
  return { kubeconfigFiles, context, allowContext, registry: imageRegistry, imagesPreloaded };
}

/**
 * The suite creates crash-looping pods, namespaces and RBAC objects: it runs only against a
 * context the user named explicitly, so that a kubeconfig whose current context happens to be a
 * production cluster is never used by accident.
 */
export function checkOptIn(context: string, allowContext: string | undefined): void {
  if (allowContext === context) return;
  const why =
    allowContext === undefined
      ? `${EXISTING_ENV.allowContext} is not set`
      : `${EXISTING_ENV.allowContext}=${JSON.stringify(allowContext)} does not match it`;
  throw new SetupError(
    `refusing to run against context ${JSON.stringify(context)}: ${why} (the suite creates crash-looping pods, namespaces and RBAC objects there)`,
    `if this is a disposable test cluster, opt in with ${EXISTING_ENV.allowContext}=${context} (the exact context name); to use another context, set ${EXISTING_ENV.context}`,
  );
}

/** The kind cluster a context belongs to (kind names its contexts kind-<cluster>), if it is one. */
export function kindClusterName(context: string): string | undefined {
  return context.startsWith('kind-') && context.length > 'kind-'.length ? context.slice('kind-'.length) : undefined;
}

/** Registry if one is named; else preloaded if declared; else `kind load` for a kind-* context; else refuse. */
export function imageDelivery(context: string, options: Pick<ExistingOptions, 'registry' | 'imagesPreloaded'>): ImageDelivery {
  if (options.registry !== undefined) return { kind: 'registry', registry: options.registry };
  if (options.imagesPreloaded) return { kind: 'preloaded' };
  const cluster = kindClusterName(context);
  if (cluster !== undefined) return { kind: 'kind', cluster };
  throw new SetupError(
    `the demo images cannot reach the cluster of context ${JSON.stringify(context)}: it is not a kind cluster (kind-*), and no registry is named`,
    `push them to a registry the nodes can pull from: ${EXISTING_ENV.registry}=<host[:port][/path]> (e.g. localhost:5000 or ghcr.io/me; docker must be able to push there)`,
  );
}
