import * as k8s from '@kubernetes/client-node';

/** API clients for one kubeconfig; created once per worker. */
export interface Kube {
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  discovery: k8s.DiscoveryV1Api;
  objects: k8s.KubernetesObjectApi;
}

export function connect(kubeconfigPath: string): Kube {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return {
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    discovery: kc.makeApiClient(k8s.DiscoveryV1Api),
    objects: k8s.KubernetesObjectApi.makeApiClient(kc),
  };
}

/** The HTTP status of a client-node API error, if it is one. */
export function apiStatus(err: unknown): number | undefined {
  return err instanceof k8s.ApiException ? err.code : undefined;
}

/** The apiserver's Status of a refused request: HTTP code, reason (Invalid, Forbidden...) and message. */
export interface ApiRefusal {
  code: number;
  reason?: string;
  message?: string;
}

export function apiRefusal(err: unknown): ApiRefusal | undefined {
  if (!(err instanceof k8s.ApiException)) return undefined;
  try {
    const body = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
    return { code: err.code, ...(body?.reason ? { reason: String(body.reason) } : {}), ...(body?.message ? { message: String(body.message) } : {}) };
  } catch {
    return { code: err.code };
  }
}

/** The apiserver's own message of an API error (its body is the raw Status JSON). */
export function apiMessage(err: unknown): string {
  if (err instanceof k8s.ApiException) {
    try {
      const body = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
      if (body?.message) return `${body.message} (HTTP ${err.code})`;
    } catch {
      /* not JSON */
    }
    return `HTTP ${err.code}`;
  }
  return err instanceof Error ? err.message : String(err);
}
