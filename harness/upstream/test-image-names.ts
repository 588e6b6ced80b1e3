import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../cluster/process/run.js';
import { findGo } from '../cluster/preflight/go-toolchain.js';
import { e2eModuleDir } from './e2e-binaries.js';

/**
 * The image names upstream's e2e.test asks the kubelet for, as its own test/utils/image/manifest.go
 * spells them (read from the k8s.io/kubernetes module source of the version it is built from, so a
 * new release's tags come with it): `configs[Agnhost] = Config{list.PromoterE2eRegistry, "agnhost",
 * "2.59"}` with `PromoterE2eRegistry: "registry.k8s.io/e2e-test-images"` gives
 * registry.k8s.io/e2e-test-images/agnhost:2.59. (KUBE_TEST_REPO_LIST, which maps them elsewhere,
 * is not used.)
 */
export const MANIFEST_GO = 'test/utils/image/manifest.go';

/** The images the probe and lifecycle-hook cases of e2e.test run (container_probe.go, lifecycle_hook.go, pre_stop.go). */
export const USED_IMAGE_IDS = ['Agnhost', 'BusyBox', 'Pause', 'Nginx'] as const;
export type UsedImageId = (typeof USED_IMAGE_IDS)[number];

/** Every image of manifest.go by its ImageID name (Agnhost, BusyBox, Pause...): the full reference. */
export function imageRefsOfManifest(manifestGo: string): Map<string, string> {
  const block = /initRegistry\s*=\s*RegistryList\{([\s\S]*?)\n\s*\}/.exec(manifestGo)?.[1];
  if (!block) throw new Error(`${MANIFEST_GO}: no initRegistry = RegistryList{...} block`);
  const registries = new Map([...block.matchAll(/^\s*(\w+)\s*:\s*"([^"]+)"/gm)].map((m) => [m[1]!, m[2]!]));
  const refs = new Map<string, string>();
  for (const m of manifestGo.matchAll(/configs\[(\w+)\]\s*=\s*Config\{\s*list\.(\w+)\s*,\s*"([^"]+)"\s*,\s*"([^"]+)"\s*\}/g)) {
    const registry = registries.get(m[2]!);
    if (!registry) throw new Error(`${MANIFEST_GO}: configs[${m[1]}] names the registry ${m[2]}, which initRegistry does not set`);
    refs.set(m[1]!, `${registry}/${m[3]}:${m[4]}`);
  }
  return refs;
}

/** The references of USED_IMAGE_IDS in that manifest.go text; one it lacks is an error naming it. */
export function usedImageRefs(manifestGo: string): Record<UsedImageId, string> {
  const all = imageRefsOfManifest(manifestGo);
  const missing = USED_IMAGE_IDS.filter((id) => !all.has(id));
  if (missing.length > 0) throw new Error(`${MANIFEST_GO}: no configs[${missing.join('], configs[')}] line (the image list changed: update harness/upstream/test-image-names.ts)`);
  return Object.fromEntries(USED_IMAGE_IDS.map((id) => [id, all.get(id)!])) as Record<UsedImageId, string>;
}

/** The k8s.io/kubernetes module source e2e.test is built from (`go list -m`: the module cache, no network once built). */
export async function kubernetesSourceDir(repoRoot: string): Promise<string> {
  const go = findGo() ?? 'go';
  const r = await run(go, ['list', '-m', '-f', '{{.Dir}}', 'k8s.io/kubernetes'], { cwd: e2eModuleDir(repoRoot), timeoutMs: 10 * 60_000 });
  const dir = r.stdout.trim();
  if (!dir) throw new Error(`go list -m k8s.io/kubernetes in ${e2eModuleDir(repoRoot)} named no directory (module not downloaded?)`);
  return dir;
}

/** The references e2e.test will use, from the module source. */
export async function upstreamTestImageRefs(repoRoot: string): Promise<Record<UsedImageId, string>> {
  return usedImageRefs(readFileSync(join(await kubernetesSourceDir(repoRoot), MANIFEST_GO), 'utf8'));
}
