import type * as k8s from '@kubernetes/client-node';
import type { ClusterView } from '../observe/recorder.js';
import type { ProbeLookup } from './time-expr.js';

/** Upstream defaults (pkg/apis/core/v1/defaults.go), for fields the API server leaves unset. */
const DEFAULTS: Record<string, number> = { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3, successThreshold: 1 };

/**
 * Resolves liveness[container].periodSeconds and the like from the pods the cluster runs
 * (as the API server stored them), so time bounds follow the manifest without repeating it.
 */
export function probeLookupFor(view: ClusterView): ProbeLookup {
  return (probe, ref, field) => {
    const key = `${probe}Probe` as 'livenessProbe' | 'readinessProbe' | 'startupProbe';
    const [podName, container] = ref.includes('/') ? (ref.split('/', 2) as [string, string]) : [undefined, ref];
    const values = new Map<string, number>();
    for (const pod of view.lastSeenPods.values()) {
      if (podName !== undefined && pod.metadata?.name !== podName) continue;
      // restartable init containers (sidecars) have probes too
      const c = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((x: k8s.V1Container) => x.name === container);
      const p = c?.[key] as Record<string, unknown> | undefined;
      if (!p) continue;
      // a probe without its own grace period uses the pod's (default 30 s)
      const v = p[field] ?? (field === 'terminationGracePeriodSeconds' ? (pod.spec?.terminationGracePeriodSeconds ?? 30) : DEFAULTS[field]);
      if (typeof v !== 'number') throw new Error(`${probe}[${ref}].${field} is not set`);
      values.set(pod.metadata?.name ?? '?', v);
    }
    if (values.size === 0) throw new Error(`no pod has a container "${ref}" with a ${probe} probe (yet)`);
    if (new Set(values.values()).size > 1) {
      throw new Error(`${probe}[${ref}].${field} differs between pods ${[...values.keys()].join(', ')}: write ${probe}[<pod>/${container}]`);
    }
    return [...values.values()][0]!;
  };
}
