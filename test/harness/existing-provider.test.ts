import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type * as k8s from '@kubernetes/client-node';
import YAML from 'yaml';
import { SetupError } from '../../harness/common/errors.js';
import { judgeNode } from '../../harness/cluster/existing/cluster-checks.js';
import { readConfig } from '../../harness/run/config.js';
import { checkOptIn, existingOptions, imageDelivery, kindClusterName } from '../../harness/cluster/existing/existing-options.js';
import { ExistingProvider } from '../../harness/cluster/existing/existing-provider.js';
import { pushedDigest, repositoryOf } from '../../harness/cluster/existing/images.js';
import { chooseContext, loadKubeconfigs, singleContextKubeconfig } from '../../harness/cluster/existing/kubeconfig.js';

function thrown(f: () => unknown): SetupError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SetupError);
    return e as SetupError;
  }
  throw new Error('expected a SetupError');
}

describe('the opt-in (PROBE_ALLOW_CONTEXT)', () => {
  it('accepts a context whose name matches exactly', () => {
    expect(() => checkOptIn('kind-probe', 'kind-probe')).not.toThrow();
  });

  it('refuses when the opt-in is missing, naming the context and the variable', () => {
    const e = thrown(() => checkOptIn('prod-eu-1', undefined));
    expect(e.cause_).toContain('"prod-eu-1"');
    expect(e.cause_).toContain('PROBE_ALLOW_CONTEXT is not set');
    expect(e.fix).toContain('PROBE_ALLOW_CONTEXT=prod-eu-1');
  });

  it('refuses a context that does not match, including near misses', () => {
    for (const allow of ['kind-probe-2', 'KIND-PROBE', ' kind-probe', 'kind-*', '']) {
      const e = thrown(() => checkOptIn('kind-probe', allow));
      expect(e.message).toContain('refusing to run against context "kind-probe"');
      expect(e.message).toContain('PROBE_ALLOW_CONTEXT');
    }
  });
});

describe('existing options', () => {
  const existing = (env: NodeJS.ProcessEnv) => existingOptions(readConfig({ PROBE_PROVIDER: 'existing', ...env }));

  it('default to ~/.kube/config and the current context', () => {
    expect(existing({ HOME: '/home/u' })).toEqual({ kubeconfigFiles: ['/home/u/.kube/config'], context: undefined, allowContext: undefined, registry: undefined, imagesPreloaded: false });
  });

  it('read KUBECONFIG as a list, and the PROBE_ variables', () => {
    const o = existing({ HOME: '/home/u', KUBECONFIG: '/a:/b::', PROBE_CONTEXT: 'c', PROBE_ALLOW_CONTEXT: 'c', PROBE_IMAGE_REGISTRY: 'ghcr.io/me/' });
    expect(o).toEqual({ kubeconfigFiles: ['/a', '/b'], context: 'c', allowContext: 'c', registry: 'ghcr.io/me', imagesPreloaded: false });
  });

  it('refuse a registry with a scheme, and a registry together with preloaded images', () => {
    expect(thrown(() => existing({ PROBE_IMAGE_REGISTRY: 'https://ghcr.io/me' })).message).toContain('PROBE_IMAGE_REGISTRY');
    expect(thrown(() => existing({ PROBE_IMAGE_REGISTRY: 'localhost:5000', PROBE_IMAGES_PRELOADED: '1' })).message).toContain('PROBE_IMAGE_REGISTRY and PROBE_IMAGES_PRELOADED are both set');
  });
});

describe('imageDelivery', () => {
  it('pushes to the registry when one is named, even for a kind cluster', () => {
    expect(imageDelivery('kind-x', { registry: 'localhost:5000', imagesPreloaded: false })).toEqual({ kind: 'registry', registry: 'localhost:5000' });
  });

  it('loads into kind-* contexts with kind, naming the cluster without the prefix', () => {
    expect(imageDelivery('kind-probe-1', { imagesPreloaded: false })).toEqual({ kind: 'kind', cluster: 'probe-1' });
    expect(kindClusterName('kind-')).toBeUndefined();
    expect(kindClusterName('my-kind-x')).toBeUndefined();
  });

  it('refuses other contexts without a registry, saying to set PROBE_IMAGE_REGISTRY', () => {
    const e = thrown(() => imageDelivery('gke_proj_zone_c', { imagesPreloaded: false }));
    expect(e.cause_).toContain('cannot reach');
    expect(e.fix).toContain('PROBE_IMAGE_REGISTRY=');
    expect(imageDelivery('gke_proj_zone_c', { imagesPreloaded: true })).toEqual({ kind: 'preloaded' });
  });
});

describe('kubeconfigs', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'existing-provider-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function write(name: string, config: object): string {
    const file = join(dir, name);
    writeFileSync(file, YAML.stringify(config));
    return file;
  }
  const cluster = (name: string, server: string) => ({ name, cluster: { server, 'certificate-authority': 'ca.crt' } });
  const user = (name: string) => ({ name, user: { token: `${name}-token` } });
  const context = (name: string, c: string, u: string) => ({ name, context: { cluster: c, user: u } });
  const bare = (name: string, server: string) => ({ name, cluster: { server } });

  it('merges KUBECONFIG files as kubectl does: the first definition and current context win, missing files are skipped', () => {
    const a = write('a', { apiVersion: 'v1', kind: 'Config', clusters: [cluster('one', 'https://one:6443')], users: [user('u1')], contexts: [context('ctx-one', 'one', 'u1')], 'current-context': 'ctx-one' });
    const b = write('b', {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [cluster('one', 'https://other:6443'), cluster('two', 'https://two:6443')],
      users: [user('u2')],
      contexts: [context('ctx-two', 'two', 'u2')],
      'current-context': 'ctx-two',
    });
    const kc = loadKubeconfigs([a, join(dir, 'missing'), b]);
    expect(kc.currentContext).toBe('ctx-one');
    expect(kc.getCluster('one')?.server).toBe('https://one:6443');
    expect(chooseContext(kc, undefined, [a, b]).cluster.server).toBe('https://one:6443');
    expect(chooseContext(kc, 'ctx-two', [a, b]).cluster.server).toBe('https://two:6443');
    expect(thrown(() => chooseContext(kc, 'nope', [a, b])).fix).toContain('ctx-one, ctx-two');

    const only = YAML.parse(singleContextKubeconfig(kc, 'ctx-two'));
    expect(only['current-context']).toBe('ctx-two');
    expect(only.contexts.map((c: { name: string }) => c.name)).toEqual(['ctx-two']);
    expect(only.clusters).toEqual([{ name: 'two', cluster: expect.objectContaining({ server: 'https://two:6443', 'certificate-authority': join(dir, 'ca.crt') }) }]);
    expect(only.users).toEqual([{ name: 'u2', user: expect.objectContaining({ token: 'u2-token' }) }]);
  });

  it('says so when no kubeconfig exists', () => {
    expect(thrown(() => loadKubeconfigs([join(dir, 'missing')])).message).toContain('no kubeconfig found');
  });

  it('up() refuses a context that is not opted in before contacting it, and leaves nothing behind', async () => {
    const file = write('refuse', { apiVersion: 'v1', kind: 'Config', clusters: [bare('c', 'https://127.0.0.1:1')], users: [user('u')], contexts: [context('kind-prod', 'c', 'u')], 'current-context': 'kind-prod' });
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('probe-conformance-existing-')).length;
    const provider = new ExistingProvider(readConfig({ PROBE_PROVIDER: 'existing', PROBE_CACHE_DIR: dir, KUBECONFIG: file, PROBE_ALLOW_CONTEXT: 'kind-test' }));
    await expect(provider.up(() => undefined)).rejects.toThrow('PROBE_ALLOW_CONTEXT="kind-test" does not match it');
    await provider.down(() => undefined);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('probe-conformance-existing-')).length).toBe(before);
  });

  it('up() reports an unreachable API server, and down() removes its kubeconfig copy', async () => {
    const file = write('unreachable', { apiVersion: 'v1', kind: 'Config', clusters: [bare('c', 'https://127.0.0.1:1')], users: [user('u')], contexts: [context('kind-t', 'c', 'u')], 'current-context': 'kind-t' });
    const provider = new ExistingProvider(readConfig({ PROBE_PROVIDER: 'existing', PROBE_CACHE_DIR: dir, KUBECONFIG: file, PROBE_ALLOW_CONTEXT: 'kind-t' }));
    const err = await provider.up(() => undefined).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SetupError);
    expect((err as SetupError).cause_).toMatch(/^cluster unreachable: https:\/\/127\.0\.0\.1:1: /);
    const copy = (provider as unknown as { tempDir?: string }).tempDir;
    expect(copy && existsSync(copy)).toBeTruthy();
    await provider.down(() => undefined);
    expect(existsSync(copy!)).toBe(false);
    await provider.down(() => undefined);
  });
});

describe('judgeNode', () => {
  const node = (extra: Partial<k8s.V1Node> = {}, ready = 'True'): k8s.V1Node => ({
    metadata: { name: 'n' },
    status: { conditions: [{ type: 'Ready', status: ready, reason: ready === 'True' ? 'KubeletReady' : 'KubeletNotReady' }], nodeInfo: { kubeletVersion: 'v1.35.0' } as k8s.V1NodeSystemInfo },
    ...extra,
  });

  it('uses Ready, schedulable, untainted nodes only', () => {
    expect(judgeNode(node())).toEqual({ name: 'n', usable: true, kubeletVersion: 'v1.35.0' });
    expect(judgeNode(node({}, 'False'))).toMatchObject({ usable: false, why: 'not Ready (KubeletNotReady)' });
    expect(judgeNode(node({ spec: { unschedulable: true } }))).toMatchObject({ usable: false, why: 'cordoned' });
    expect(judgeNode(node({ spec: { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } }))).toMatchObject({
      usable: false,
      why: 'tainted node-role.kubernetes.io/control-plane:NoSchedule',
    });
    expect(judgeNode(node({ spec: { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] } })).usable).toBe(true);
  });
});

describe('push helpers', () => {
  it('reads the digest docker push reports', () => {
    const d = `sha256:${'0123456789abcdef'.repeat(4)}`;
    expect(pushedDigest(`The push refers to repository [localhost:5000/probe-conformance/nginx]\n1: digest: ${d} size: 1234\n`)).toBe(d);
    expect(pushedDigest('nothing')).toBeUndefined();
  });

  it('finds the repository of a reference', () => {
    expect(repositoryOf('localhost:5000/probe-conformance/nginx:1')).toBe('localhost:5000/probe-conformance/nginx');
    expect(repositoryOf('localhost:5000/probe-conformance/nginx')).toBe('localhost:5000/probe-conformance/nginx');
    expect(repositoryOf(`ghcr.io/me/x:1@sha256:${'a'.repeat(64)}`)).toBe('ghcr.io/me/x');
  });
});
