/**
 * Demo image references in scenario manifests, rewritten for a cluster that pulls them from a
 * registry (the existing-cluster provider with PROBE_IMAGE_REGISTRY). Manifests name the images
 * as the harness builds them, `probe-conformance/<name>:<tag>`, often with
 * `imagePullPolicy: Never` (the local and kind providers put them straight into the node's
 * runtime). With a registry they become `<registry>/probe-conformance/<name>:<tag>`, pinned to the
 * digest pushed in this run when it is known (so a node never runs a stale image that an earlier
 * run pushed under the same tag), and `Never` becomes `IfNotPresent`.
 *
 * The provider returns the rewrite from loadImages; the run handle carries it to the test workers.
 */
/** What every demo image reference starts with (see harness/cluster/images/build.ts). */
export const DEMO_IMAGE_PREFIX = 'probe-conformance/';

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

export interface ImageRewrite {
  /** Registry prefix, without a trailing slash. */
  registry: string;
  /** Built reference -> pushed digest; images without one keep their tag only. */
  digests?: Readonly<Record<string, string>>;
}

/** The registry reference of one demo image reference (unchanged if it is not a demo image). */
export function registryRef(image: string, rewrite: ImageRewrite): string {
  if (!image.startsWith(DEMO_IMAGE_PREFIX)) return image;
  const registry = rewrite.registry.replace(/\/+$/, '');
  const digest = rewrite.digests?.[image];
  return `${registry}/${image}${digest ? `@${digest}` : ''}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rewriteContainer(container: unknown, rewrite: ImageRewrite): unknown {
  if (!isObject(container) || typeof container.image !== 'string' || !container.image.startsWith(DEMO_IMAGE_PREFIX)) return container;
  const out: Record<string, unknown> = { ...container, image: registryRef(container.image, rewrite) };
  if (container.imagePullPolicy === 'Never') out.imagePullPolicy = 'IfNotPresent';
  return out;
}

function walk(value: unknown, rewrite: ImageRewrite): unknown {
  if (Array.isArray(value)) return value.map((v) => walk(v, rewrite));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] =
      (CONTAINER_LISTS as readonly string[]).includes(key) && Array.isArray(child)
        ? child.map((c) => rewriteContainer(c, rewrite))
        : walk(child, rewrite);
  }
  return out;
}

/**
 * A copy of obj in which every container, init container and ephemeral container whose image
 * starts with `probe-conformance/` pulls it from the registry (any pod spec: a Pod's, a workload's
 * template, a CronJob's job template). Other images and the input are left untouched; without a
 * rewrite (no registry) obj itself is returned.
 */
export function rewriteImageRefs<T>(obj: T, rewrite: ImageRewrite | string | undefined): T {
  if (rewrite === undefined || rewrite === '') return obj;
  const r = typeof rewrite === 'string' ? { registry: rewrite } : rewrite;
  if (r.registry.replace(/\/+$/, '') === '') return obj;
  return walk(obj, r) as T;
}

