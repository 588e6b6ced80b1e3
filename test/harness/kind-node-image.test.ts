import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import YAML from 'yaml';
import { SetupError } from '../../harness/common/errors.js';
import { needsCgroupV1Patch } from '../../harness/cluster/kind/kind-config.js';
import { nodeImageGoBuilds } from '../../harness/cluster/kind/node-image.js';
import {
  componentRef,
  isSuiteNodeImage,
  nodeImageDir,
  nodeImageKey,
  nodeImageRef,
  planComponents,
  preloadList,
} from '../../harness/cluster/kind/node-image-recipe.js';
import { checkRequestedVersion, extraReleases, normalizeKubernetesVersion, pinnedRelease } from '../../harness/cluster/releases.js';
import { repoRoot } from '../../harness/run/config.js';

// what `kubeadm config images list --kubernetes-version v1.35.4` prints (cmd/kubeadm/app/constants:
// DefaultEtcdVersion 3.6.6-0, CoreDNSVersion v1.13.1, PauseVersion 3.10.1)
const KUBEADM_1354 = [
  'registry.k8s.io/kube-apiserver:v1.35.4',
  'registry.k8s.io/kube-controller-manager:v1.35.4',
  'registry.k8s.io/kube-scheduler:v1.35.4',
  'registry.k8s.io/kube-proxy:v1.35.4',
  'registry.k8s.io/coredns/coredns:v1.13.1',
  'registry.k8s.io/pause:3.10.1',
  'registry.k8s.io/etcd:3.6.6-0',
];
const VERSIONS = { etcd: 'v3.6.6', coredns: 'v1.13.1' };
const recipe = nodeImageDir(repoRoot());

describe('the kind node image recipe', () => {
  it('preloads every image kubeadm names, under its name, plus the default CNI image', () => {
    const { components, pauseImage, podnetImage } = planComponents(KUBEADM_1354, VERSIONS, 'v1.35.4', 'abc123def456');
    expect(pauseImage).toBe('registry.k8s.io/pause:3.10.1');
    expect(podnetImage).toBe('probe-conformance/kind-podnet:abc123def456');
    expect(components.map((c) => c.name)).toEqual(['base', 'kube', 'etcd', 'coredns', 'pause', 'podnet']);
    expect(components.find((c) => c.name === 'kube')!.nodeNames).toEqual(KUBEADM_1354.slice(0, 4));
    const names = components.flatMap((c) => c.nodeNames);
    for (const image of KUBEADM_1354) expect(names).toContain(image);
    expect(names).toContain('docker.io/probe-conformance/kind-podnet:abc123def456');
    // base is only a parent: not preloaded
    expect(components.find((c) => c.name === 'base')!.nodeNames).toEqual([]);
  });

  it('writes the preload list with the names ctr import gives the archive images', () => {
    const { components } = planComponents(KUBEADM_1354, VERSIONS, 'v1.35.4', 'k');
    const lines = preloadList(components).split('\n').filter((l) => l && !l.startsWith('#'));
    expect(lines).toEqual([
      'docker.io/probe-conformance/kind-kube:k registry.k8s.io/kube-apiserver:v1.35.4 registry.k8s.io/kube-controller-manager:v1.35.4 registry.k8s.io/kube-scheduler:v1.35.4 registry.k8s.io/kube-proxy:v1.35.4',
      'docker.io/probe-conformance/kind-etcd:k registry.k8s.io/etcd:3.6.6-0',
      'docker.io/probe-conformance/kind-coredns:k registry.k8s.io/coredns/coredns:v1.13.1',
      'docker.io/probe-conformance/kind-pause:k registry.k8s.io/pause:3.10.1',
      'docker.io/probe-conformance/kind-podnet:k docker.io/probe-conformance/kind-podnet:k',
    ]);
  });

  it('refuses an etcd or CoreDNS build that is not the version kubeadm names', () => {
    expect(() => planComponents(KUBEADM_1354, { ...VERSIONS, etcd: 'v3.6.5' }, 'v1.35.4', 'k')).toThrow(/gobuild\/etcd builds etcd v3\.6\.5/);
    expect(() => planComponents(KUBEADM_1354, { ...VERSIONS, coredns: 'v1.12.4' }, 'v1.35.4', 'k')).toThrow(SetupError);
    expect(() => planComponents([...KUBEADM_1354, 'registry.k8s.io/something-new:v1'], VERSIONS, 'v1.35.4', 'k')).toThrow(/does not build: registry\.k8s\.io\/something-new:v1/);
    expect(() => planComponents(KUBEADM_1354.slice(1), VERSIONS, 'v1.35.4', 'k')).toThrow(/no kube-apiserver image/);
  });

  it('pins etcd and CoreDNS at what kubeadm of the pinned release expects', () => {
    const builds = nodeImageGoBuilds({ cacheDir: '/cache', repoRoot: repoRoot() });
    expect(pinnedRelease(repoRoot())).toBe('v1.35.4');
    expect(builds.etcd.outDir).toBe('/cache/kind-node/bin/etcd-v3.6.6');
    expect(builds.coredns.outDir).toBe('/cache/kind-node/bin/coredns-v1.13.1');
    expect(builds.crictl.pkg).toBe('sigs.k8s.io/cri-tools/cmd/crictl');
    expect(builds.crictl.ldflags).toContain('sigs.k8s.io/cri-tools/pkg/version.Version=v1.34.0');
    expect(() => planComponents(KUBEADM_1354, VERSIONS, 'v1.35.4', 'k')).not.toThrow();
  });

  it('names the image after the version and key, and knows its own images', () => {
    const ref = nodeImageRef('v1.35.4', '0123456789ab');
    expect(ref).toBe('probe-conformance/kind-node:v1.35.4-0123456789ab');
    expect(isSuiteNodeImage(ref)).toBe(true);
    expect(isSuiteNodeImage('kindest/node:v1.36.1@sha256:00')).toBe(false);
    expect(componentRef('kube', 'k')).toBe('probe-conformance/kind-kube:k');
    // kind-config's cgroup v1 patch reads the minor from the tag
    expect(needsCgroupV1Patch({ cgroupV1: true, nodeImage: ref })).toBe(true);
  });

  it('takes 1.35.4 and v1.35.4, a minor, a release with a releases/ folder, and refuses any other', () => {
    expect(normalizeKubernetesVersion('1.35.4')).toBe('v1.35.4');
    expect(normalizeKubernetesVersion('v1.35.4')).toBe('v1.35.4');
    expect(normalizeKubernetesVersion('1.35')).toBeUndefined();
    expect(checkRequestedVersion('v1.35.4', undefined)).toBe('v1.35.4');
    expect(checkRequestedVersion('v1.35.4', '1.35.4')).toBe('v1.35.4');
    expect(() => checkRequestedVersion('v1.35.4', '1.36.1')).toThrow('this checkout builds Kubernetes 1.35.4, not v1.36.1');
    expect(checkRequestedVersion('v1.35.4', '1.34.4', ['v1.34.4'])).toBe('v1.34.4');
    expect(() => checkRequestedVersion('v1.35.4', '1.36.1', ['v1.34.4'])).toThrow('this checkout builds Kubernetes 1.34.4, 1.35.4, not v1.36.1');
    expect(checkRequestedVersion('v1.35.4', '1.34', ['v1.34.2', 'v1.34.4'])).toBe('v1.34.4');
    expect(checkRequestedVersion('v1.35.4', 'v1.35', ['v1.34.4'])).toBe('v1.35.4');
    expect(() => checkRequestedVersion('v1.35.4', '1.38', ['v1.34.4'])).toThrow('this checkout builds Kubernetes 1.34.4, 1.35.4, none of 1.38');
    expect(extraReleases(repoRoot())).toContain('v1.34.4');
    expect(() => checkRequestedVersion('v1.35.4', 'latest')).toThrow(SetupError);
  });
});

describe('the node image key', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  /** A copy of the parts of the repository the key reads. */
  function copyRepo(): string {
    const root = mkdtempSync(join(tmpdir(), 'kind-node-key-'));
    dirs.push(root);
    for (const part of ['harness/cluster/kind/node-image', 'harness/cluster/local/gobuild/kube', 'harness/cluster/local/gobuild/pause', 'harness/cluster/local/gobuild/neighreset']) {
      cpSync(join(repoRoot(), part), join(root, part), { recursive: true });
    }
    return root;
  }
  const inputs = (root: string) => ({ repoRoot: root, baseKey: 'base1', kubernetesVersion: 'v1.35.4', arch: 'x64', buildFlags: 'selinux,notest -s -w' });

  it('is the same for the same recipe, and changes with any file of it or with the base', () => {
    const root = copyRepo();
    const key = nodeImageKey(inputs(root));
    expect(key).toMatch(/^[0-9a-f]{12}$/);
    expect(nodeImageKey(inputs(root))).toBe(key);
    expect(nodeImageKey({ ...inputs(root), baseKey: 'base2' })).not.toBe(key);
    const entrypoint = join(root, 'harness/cluster/kind/node-image/node/files/usr/local/bin/entrypoint');
    writeFileSync(entrypoint, `${readFileSync(entrypoint, 'utf8')}\n# changed\n`);
    const changed = nodeImageKey(inputs(root));
    expect(changed).not.toBe(key);
    const goMod = join(root, 'harness/cluster/local/gobuild/kube/go.mod');
    writeFileSync(goMod, `${readFileSync(goMod, 'utf8')}\n`);
    const changedKube = nodeImageKey(inputs(root));
    expect(changedKube).not.toBe(changed);
    const plugin = join(root, 'harness/cluster/local/gobuild/neighreset/main.go');
    writeFileSync(plugin, `${readFileSync(plugin, 'utf8')}\n// changed\n`);
    expect(nodeImageKey(inputs(root))).not.toBe(changedKube);
  });
});

describe('the recipe files', () => {
  const read = (path: string) => readFileSync(join(recipe, path), 'utf8');

  it('has a default CNI manifest kind templates and patches, naming the preloaded podnet image', () => {
    const text = read('node/files/kind/manifests/default-cni.yaml');
    expect(text).toContain('would you kindly template this file');
    expect(text).toContain('would you kindly patch this file');
    // kind runs the whole file through text/template: no braces but the pod subnet's
    expect(text.match(/\{\{[^}]*\}\}/g)).toEqual(['{{ .PodSubnet }}']);
    expect(text).toContain('"@PODNET_IMAGE@"');
    const docs = YAML.parseAllDocuments(text.replace('{{ .PodSubnet }}', '10.244.0.0/16').replace('@PODNET_IMAGE@', 'probe-conformance/kind-podnet:k')).map((d) => d.toJSON());
    const ds = docs.find((d) => d.kind === 'DaemonSet');
    expect(ds.apiVersion).toBe('apps/v1');
    const container = ds.spec.template.spec.containers[0];
    // kind's patch appends to /spec/template/spec/containers/0/env
    expect(Array.isArray(container.env)).toBe(true);
    expect(container.env).toContainEqual({ name: 'POD_SUBNET', value: '10.244.0.0/16' });
    expect(container.image).toBe('probe-conformance/kind-podnet:k');
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    expect(ds.spec.template.spec.hostNetwork).toBe(true);
    expect(ds.spec.template.spec.tolerations).toEqual([{ operator: 'Exists' }]);
  });

  it('fills the sandbox image into the containerd config, which kind can parse', () => {
    const text = read('node/files/etc/containerd/config.toml');
    expect(text).toMatch(/^version = 2$/m);
    expect(text).toContain('sandbox_image = "@PAUSE_IMAGE@"');
    // the entrypoint edits these two lines with sed
    expect(text.match(/^\s*snapshotter = "overlayfs"$/gm)).toHaveLength(1);
    expect(text.match(/^\s*restrict_oom_score_adj = false$/gm)).toHaveLength(1);
    const dockerfile = read('node/Dockerfile');
    for (const placeholder of ['@PAUSE_IMAGE@', '@PODNET_IMAGE@']) expect(dockerfile).toContain(placeholder);
    for (const arg of ['BASE', 'KUBE_VERSION', 'PAUSE_IMAGE', 'PODNET_IMAGE', 'RECIPE_KEY']) expect(dockerfile).toMatch(new RegExp(`^ARG ${arg}$`, 'm'));
  });

  it('keeps the lines kind waits for and the executables it runs', () => {
    const entrypoint = read('node/files/usr/local/bin/entrypoint');
    // kind's boot check: "Reached target .*Multi-User System.*|detected cgroup v1"
    expect(entrypoint).toContain("say 'detected cgroup v1'");
    expect(entrypoint).toMatch(/exec "\$@"\s*$/);
    for (const script of ['node/files/usr/local/bin/entrypoint', 'node/files/kind/bin/kubelet-cgroups', 'node/preload-images.sh', 'components/base/iptables-wrapper']) {
      expect(statSync(join(recipe, script)).mode & 0o111).not.toBe(0);
    }
  });
});
