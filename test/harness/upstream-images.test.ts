import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { repoRoot } from '../../harness/run/config.js';
import { gobuildDir } from '../../harness/cluster/local/binaries.js';
import { requiredVersion } from '../../harness/cluster/go-mod.js';
import { e2eModuleDir } from '../../harness/upstream/e2e-binaries.js';
import { imageRefsOfManifest, MANIFEST_GO, usedImageRefs } from '../../harness/upstream/test-image-names.js';

// The lines of test/utils/image/manifest.go (v1.35.4) the image names come from.
const MANIFEST_EXCERPT = `
var (
	initRegistry = RegistryList{
		// TODO: https://github.com/kubernetes/kubernetes/issues/130271
		PromoterE2eRegistry:      "registry.k8s.io/e2e-test-images",
		BuildImageRegistry:       "registry.k8s.io/build-image",
		GcRegistry:               "registry.k8s.io",
		DockerLibraryRegistry:    "docker.io/library",
	}
)

func initImageConfigs(list RegistryList) (map[ImageID]Config, map[ImageID]Config) {
	configs := map[ImageID]Config{}
	configs[AgnhostPrev] = Config{list.PromoterE2eRegistry, "agnhost", "2.55"}
	configs[Agnhost] = Config{list.PromoterE2eRegistry, "agnhost", "2.59"}
	configs[BusyBox] = Config{list.PromoterE2eRegistry, "busybox", "1.37.0-1"}
	configs[Nginx] = Config{list.PromoterE2eRegistry, "nginx", "1.14-4"}
	// Pause - when these values are updated, also update cmd/kubelet/app/options/container_runtime.go
	configs[Pause] = Config{list.GcRegistry, "pause", "3.10.1"}
`;

const goMod = (dir: string) => readFileSync(join(dir, 'go.mod'), 'utf8');
const replaceBlock = (text: string) => /^replace \(\n[\s\S]*?\n\)$/m.exec(text)?.[0];

describe("upstream's test image names, from manifest.go", () => {
  it('joins the registry of initRegistry, the name and the tag', () => {
    expect(usedImageRefs(MANIFEST_EXCERPT)).toEqual({
      Agnhost: 'registry.k8s.io/e2e-test-images/agnhost:2.59',
      BusyBox: 'registry.k8s.io/e2e-test-images/busybox:1.37.0-1',
      Pause: 'registry.k8s.io/pause:3.10.1',
      Nginx: 'registry.k8s.io/e2e-test-images/nginx:1.14-4',
    });
    expect(imageRefsOfManifest(MANIFEST_EXCERPT).get('AgnhostPrev')).toBe('registry.k8s.io/e2e-test-images/agnhost:2.55');
  });

  it('an image the suite needs that manifest.go lacks, or an unknown registry, is an error', () => {
    expect(() => usedImageRefs(MANIFEST_EXCERPT.replace(/.*configs\[Nginx\].*\n/, ''))).toThrow(`${MANIFEST_GO}: no configs[Nginx] line`);
    expect(() => imageRefsOfManifest(MANIFEST_EXCERPT.replace('list.GcRegistry', 'list.OtherRegistry'))).toThrow('names the registry OtherRegistry');
  });

  const source = '/root/go/pkg/mod/k8s.io/kubernetes@v1.35.4';
  (existsSync(join(source, MANIFEST_GO)) ? it : it.skip)('reads the v1.35.4 module source as the excerpt says', () => {
    expect(usedImageRefs(readFileSync(join(source, MANIFEST_GO), 'utf8'))).toEqual(usedImageRefs(MANIFEST_EXCERPT));
  });
});

describe('the e2e Go module pins what the local provider builds', () => {
  const kube = goMod(join(gobuildDir(repoRoot()), 'kube'));
  const e2e = goMod(e2eModuleDir(repoRoot()));

  it('the same k8s.io/kubernetes version and the same replace block', () => {
    expect(requiredVersion(e2e, 'k8s.io/kubernetes')).toBe(requiredVersion(kube, 'k8s.io/kubernetes'));
    expect(replaceBlock(e2e)).toBeDefined();
    expect(replaceBlock(e2e)).toBe(replaceBlock(kube));
  });

  it('names agnhost as a tool (a main package cannot be imported) and has a go.sum', () => {
    expect(e2e).toMatch(/^tool k8s\.io\/kubernetes\/test\/images\/agnhost$/m);
    expect(existsSync(join(e2eModuleDir(repoRoot()), 'go.sum'))).toBe(true);
    expect(readFileSync(join(e2eModuleDir(repoRoot()), 'tools.go'), 'utf8')).toMatch(/^\/\/go:build tools\n[\s\S]*_ "k8s\.io\/kubernetes\/test\/e2e"\n/);
  });
});
