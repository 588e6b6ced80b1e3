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
  return (probe, container, field) => {
    const key = `${probe}Probe` as 'livenessProbe' | 'readinessProbe' | 'startupProbe';
    for (const pod of view.lastSeenPods.values()) {
      const c = pod.spec?.containers.find((x: k8s.V1Container) => x.name === container);
      const p = c?.[key] as Record<string, unknown> | undefined;
      if (!p) continue;
      const v = p[field] ?? DEFAULTS[field];
      if (typeof v !== 'number') throw new Error(`${probe}[${container}].${field} is not set`);
      return v;
    }
    throw new Error(`no pod has a container "${container}" with a ${probe} probe (yet)`);
  };
}
