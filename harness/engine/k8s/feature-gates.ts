import { request } from 'node:https';
import type * as k8s from '@kubernetes/client-node';

/**
 * The feature gates the API server reports as on or off, from its `kubernetes_feature_enabled`
 * metric (GET /metrics; every component publishes it since Kubernetes 1.26). The kubelet's gates
 * are not visible through the API: a cluster started with different gates per component is read
 * by the API server's.
 */
export async function clusterFeatureGates(kc: k8s.KubeConfig, timeoutMs = 10_000): Promise<Record<string, boolean>> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error('the kubeconfig names no cluster server');
  const text = await getText(kc, new URL('/metrics', server), timeoutMs);
  return parseFeatureGates(text);
}

/** `kubernetes_feature_enabled{name="X",stage="BETA"} 1` lines -> {X: true}. */
export function parseFeatureGates(metrics: string): Record<string, boolean> {
  const gates: Record<string, boolean> = {};
  for (const m of metrics.matchAll(/^kubernetes_feature_enabled\{([^}]*)\}\s+(\S+)/gm)) {
    const name = /(?:^|,)name="([^"]+)"/.exec(m[1]!)?.[1];
    if (name) gates[name] = Number(m[2]) === 1;
  }
  if (Object.keys(gates).length === 0) throw new Error('the API server\'s /metrics has no kubernetes_feature_enabled lines');
  return gates;
}

async function getText(kc: k8s.KubeConfig, url: URL, timeoutMs: number): Promise<string> {
  const opts: import('node:https').RequestOptions = { method: 'GET', timeout: timeoutMs, headers: { Accept: 'text/plain' } };
  await kc.applyToHTTPSOptions(opts);
  return await new Promise<string>((resolve, reject) => {
    const req = request(url, opts, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`GET ${url.pathname}: HTTP ${res.statusCode}${res.statusCode === 403 ? ' (the kubeconfig\'s user may not read /metrics)' : ''}`))));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url.pathname}: no answer within ${timeoutMs / 1000}s`)));
    req.on('error', reject);
    req.end();
  });
}
