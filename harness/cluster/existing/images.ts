import { SetupError } from '../../common/errors.js';
import { registryRef } from '../../engine/k8s/image-refs.js';
import type { Log } from '../../common/log.js';
import { CommandError, run } from '../process/run.js';
import { EXISTING_ENV } from './existing-options.js';

/**
 * Getting the locally built demo images to an existing cluster's nodes: `docker push` to the
 * registry the user named, or `kind load docker-image` for a kind cluster.
 */
const TIMEOUT_MS = 15 * 60_000;

/** The digest `docker push` reports (`1: digest: sha256:... size: 527`). */
export function pushedDigest(output: string): string | undefined {
  return /digest: (sha256:[0-9a-f]{64})/.exec(output)?.[1];
}

/** The repository of a reference without tag or digest: ghcr.io/me/probe-conformance/x:1 -> ghcr.io/me/probe-conformance/x. */
export function repositoryOf(ref: string): string {
  const noDigest = ref.split('@')[0]!;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

async function repoDigest(target: string): Promise<string | undefined> {
  const r = await run('docker', ['image', 'inspect', '--format', '{{json .RepoDigests}}', target], { reject: false, timeoutMs: 60_000 });
  if (r.exitCode !== 0) return undefined;
  try {
    const repo = repositoryOf(target);
    const found = (JSON.parse(r.stdout) as string[]).find((d) => d.startsWith(`${repo}@`));
    return found?.slice(repo.length + 1);
  } catch {
    return undefined;
  }
}

/**
 * Tags each image <registry>/<image>, pushes it, and removes the extra tag again (the image
 * itself stays). Returns the pushed digest of each image (by its built reference) where known.
 */
export async function pushImages(registry: string, images: readonly string[], log: Log): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const image of images) {
    const target = registryRef(image, { registry });
    log(`pushing ${target}`);
    try {
      await run('docker', ['tag', image, target], { timeoutMs: 60_000 });
      let output: string;
      try {
        const r = await run('docker', ['push', target], { timeoutMs: TIMEOUT_MS });
        output = `${r.stdout}\n${r.stderr}`;
      } catch (e) {
        const detail = e instanceof CommandError ? e.tail.split('\n').slice(-3).join(' | ') : (e as Error).message;
        throw new SetupError(
          `docker push ${target} failed: ${detail}`,
          `check that docker can push to ${registry} (docker login ${registry.split('/')[0]}; a plain-HTTP registry other than localhost must be in dockerd's insecure-registries), or change ${EXISTING_ENV.registry}`,
          { cause: e },
        );
      }
      const digest = pushedDigest(output) ?? (await repoDigest(target));
      if (digest) digests[image] = digest;
      else log(`no digest reported for ${target}: pods will use the tag (a node that pulled an older image with this tag keeps it)`);
    } finally {
      await run('docker', ['image', 'rm', target], { reject: false, timeoutMs: 60_000 });
    }
  }
  return digests;
}

/** kind load docker-image: copies the images into every node of the kind cluster. */
export async function kindLoad(kind: string, cluster: string, images: readonly string[], log: Log): Promise<void> {
  log(`loading ${images.length} image(s) into kind cluster ${cluster}: ${images.join(' ')}`);
  try {
    await run(kind, ['load', 'docker-image', '--name', cluster, ...images], { timeoutMs: TIMEOUT_MS });
  } catch (e) {
    const detail = e instanceof CommandError ? e.tail.split('\n').slice(-3).join(' | ') : (e as Error).message;
    throw new SetupError(
      `kind load docker-image --name ${cluster} failed: ${detail}`,
      `check that \`kind get clusters\` lists ${cluster} and its node containers run (docker ps), or push the images with ${EXISTING_ENV.registry}`,
      { cause: e },
    );
  }
}
