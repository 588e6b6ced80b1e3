import { describe, expect, it } from '@jest/globals';
import { unmetNeeds, type ClusterAbilities } from '../../harness/engine/scenario/needs.js';
import { Scenario } from '../../harness/engine/scenario/schema.js';
import { parseFeatureGates } from '../../harness/engine/k8s/feature-gates.js';

const spec = (needs: unknown) => Scenario.parse({ title: 't', claims: [{ id: 'MY-1', source: 's', text: 't', verdict: 'confirmed' }], needs, steps: [{ apply: 'pod.yaml' }] });
const cluster: ClusterAbilities = { nodes: 1, nodeControl: false, kubernetesVersion: 'v1.35.4', featureGates: { SidecarContainers: true, PodLifecycleSleepActionAllowZero: false } };

describe('needs: a Kubernetes version range and feature gates', () => {
  it('runs a scenario whose range and gates the cluster meets', () => {
    expect(unmetNeeds(spec({ kubernetes: '>=1.34', featureGates: ['SidecarContainers'] }), cluster)).toBeUndefined();
    expect(unmetNeeds(spec({ kubernetes: '1.35.x' }), cluster)).toBeUndefined();
  });

  it('says why it is not run: the version, a gate that is off, a gate this release does not know', () => {
    expect(unmetNeeds(spec({ kubernetes: '>=1.36' }), cluster)).toBe('needs Kubernetes >=1.36, the cluster runs v1.35.4');
    expect(unmetNeeds(spec({ featureGates: ['PodLifecycleSleepActionAllowZero'] }), cluster)).toBe('needs feature gate PodLifecycleSleepActionAllowZero, which is off on this cluster (the clusters the suite makes turn it on with --feature-gates PodLifecycleSleepActionAllowZero=true)');
    expect(unmetNeeds(spec({ featureGates: ['NoSuchGate'] }), cluster)).toBe('needs feature gate NoSuchGate, which this Kubernetes does not know');
    expect(unmetNeeds(spec({ featureGates: ['SidecarContainers'] }), { nodes: 1, nodeControl: false, featureGatesUnknown: 'GET /metrics: HTTP 403' })).toBe(
      "needs feature gate SidecarContainers, the cluster's gates are unknown (GET /metrics: HTTP 403)",
    );
  });

  it('takes a pre-release as its release (v1.36.0-alpha.1 meets >=1.36)', () => {
    expect(unmetNeeds(spec({ kubernetes: '>=1.36' }), { ...cluster, kubernetesVersion: 'v1.36.0-alpha.1' })).toBeUndefined();
    expect(unmetNeeds(spec({ kubernetes: '>=1.36' }), { ...cluster, kubernetesVersion: 'unknown' })).toBe("needs Kubernetes >=1.36, the cluster's version is unknown (unknown)");
  });

  it('a runtime by name and version range: every node must meet it', () => {
    const on = (runtime: string) => ({ ...cluster, runtime });
    expect(unmetNeeds(spec({ runtime: 'containerd >=2.3' }), on('containerd://2.3.7'))).toBeUndefined();
    expect(unmetNeeds(spec({ runtime: 'containerd' }), on('containerd://1.6.20'))).toBeUndefined();
    expect(unmetNeeds(spec({ runtime: 'containerd <2.3' }), on('containerd://1.6.20'))).toBeUndefined();
    expect(unmetNeeds(spec({ runtime: 'containerd >=2.3' }), on('containerd://1.6.20'))).toBe('needs runtime containerd >=2.3, the nodes run containerd://1.6.20');
    expect(unmetNeeds(spec({ runtime: 'containerd >=2.3' }), on('containerd://2.3.7, containerd://1.6.20'))).toBe('needs runtime containerd >=2.3, the nodes run containerd://2.3.7, containerd://1.6.20');
    expect(unmetNeeds(spec({ runtime: 'containerd' }), on('cri-o://1.33.0'))).toBe('needs runtime containerd, the nodes run cri-o://1.33.0');
    expect(unmetNeeds(spec({ runtime: 'containerd' }), cluster)).toBe("needs runtime containerd, the nodes' runtime is unknown");
  });

  it('refuses what is not a range or a gate name when the file loads', () => {
    const bad = Scenario.safeParse({ title: 't', claims: [{ id: 'MY-1', source: 's', text: 't', verdict: 'confirmed' }], needs: { kubernetes: 'newest', featureGates: ['sidecar'] }, steps: [{ apply: 'p.yaml' }] });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toEqual([
      'needs.kubernetes: "newest" is not a version range (write e.g. ">=1.34", ">=1.33 <1.36" or "1.35.x")',
      'needs.featureGates.0: a feature gate name, e.g. SidecarContainers',
    ]);
    const runtime = Scenario.safeParse({ title: 't', claims: [{ id: 'MY-1', source: 's', text: 't', verdict: 'confirmed' }], needs: { runtime: 'containerd newest' }, steps: [{ apply: 'p.yaml' }] });
    expect(runtime.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(['needs.runtime: "newest" in "containerd newest" is not a version range (write e.g. ">=2.3" or "<2.3")']);
  });
});

describe("the API server's feature gates from /metrics", () => {
  it('reads kubernetes_feature_enabled lines', () => {
    const metrics = [
      '# HELP kubernetes_feature_enabled [BETA] This metric records the data about the stage and enablement of a k8s feature.',
      '# TYPE kubernetes_feature_enabled gauge',
      'kubernetes_feature_enabled{name="SidecarContainers",stage=""} 1',
      'kubernetes_feature_enabled{name="InPlacePodVerticalScaling",stage="BETA"} 0',
      'apiserver_request_total{code="200"} 12',
    ].join('\n');
    expect(parseFeatureGates(metrics)).toEqual({ SidecarContainers: true, InPlacePodVerticalScaling: false });
  });
  it('says so when the metric is missing (Kubernetes before 1.26)', () => {
    expect(() => parseFeatureGates('apiserver_request_total 1\n')).toThrow("the API server's /metrics has no kubernetes_feature_enabled lines");
  });
});
