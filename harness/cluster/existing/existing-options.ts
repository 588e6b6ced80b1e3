import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { SetupError } from '../../common/errors.js';

/**
 * Options of the existing-cluster provider (PROBE_PROVIDER=existing), read from the environment.
 * See docs/existing-cluster.md.
 */
export const EXISTING_ENV = {
  /** Context to run against; default: the kubeconfig's current context. */
  context: 'PROBE_CONTEXT',
  /** The opt-in: must equal the context name exactly. */
  allowContext: 'PROBE_ALLOW_CONTEXT',
  /** Registry the demo images are pushed to, e.g. localhost:5000 or ghcr.io/me. */
  registry: 'PROBE_IMAGE_REGISTRY',
  /** 1: the demo images are already in every node's runtime; neither push nor load them. */
  imagesPreloaded: 'PROBE_IMAGES_PRELOADED',
  /** JSON: how the run reaches the nodes ({"kind":"local"} when this machine is the only node). */
  nodeAccess: 'PROBE_NODE_ACCESS',
} as const;

export interface ExistingOptions {
  /** The kubeconfig files, in KUBECONFIG order (the first one that sets a value wins, as with kubectl). */
  kubeconfigFiles: string[];
  /** PROBE_CONTEXT, if set. */
  context?: string;
  /** PROBE_ALLOW_CONTEXT, if set (compared exactly, not trimmed). */
  allowContext?: string;
  /** PROBE_IMAGE_REGISTRY without a trailing slash, if set. */
  registry?: string;
  imagesPreloaded: boolean;
}

/** How the demo images reach the cluster's nodes. */
export type ImageDelivery =
  | { kind: 'registry'; registry: string }
  | { kind: 'kind'; cluster: string }
  | { kind: 'preloaded' };

/** host[:port] then optional lower-case path components: localhost:5000, ghcr.io/me, 10.0.0.5:5000/team. */
const REGISTRY = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function flag(value: string | undefined): boolean {
  const v = (value ?? '').trim().toLowerCase();
  return v === '1' || v === 'true' || v === 'yes';
}

export function readExistingOptions(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): ExistingOptions {
  const kubeconfigFiles = (env.KUBECONFIG ?? '').split(delimiter).filter((f) => f !== '');
  let registry = nonEmpty(env[EXISTING_ENV.registry])?.trim().replace(/\/+$/, '');
  if (registry !== undefined) {
    if (!REGISTRY.test(registry)) {
      throw new SetupError(
        `${EXISTING_ENV.registry}=${env[EXISTING_ENV.registry]} is not a registry prefix`,
        `give host[:port][/path] without a scheme, e.g. ${EXISTING_ENV.registry}=localhost:5000 or ${EXISTING_ENV.registry}=ghcr.io/me`,
      );
    }
  }
  const imagesPreloaded = flag(env[EXISTING_ENV.imagesPreloaded]);
  if (registry !== undefined && imagesPreloaded) {
    throw new SetupError(
      `both ${EXISTING_ENV.registry} and ${EXISTING_ENV.imagesPreloaded} are set`,
      `set ${EXISTING_ENV.registry} to push the images, or ${EXISTING_ENV.imagesPreloaded}=1 if every node already has them, not both`,
    );
  }
  return {
    kubeconfigFiles: kubeconfigFiles.length > 0 ? kubeconfigFiles : [join(home, '.kube', 'config')],
    context: nonEmpty(env[EXISTING_ENV.context]),
    allowContext: env[EXISTING_ENV.allowContext] === '' ? undefined : env[EXISTING_ENV.allowContext],
    registry,
    imagesPreloaded,
  };
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
