import * as k8s from '@kubernetes/client-node';
import { SetupError } from '../../common/errors.js';
import { apiMessage, apiStatus } from '../../engine/k8s/client.js';
import type { Log } from '../../common/log.js';
import { waitFor } from '../../common/wait.js';

/**
 * Read-only checks of a cluster the run does not own: the API answers with these credentials,
 * they may do what the scenarios do, and some node can run the scenario pods.
 */
function client<T extends k8s.ApiType>(kubeconfig: string, api: k8s.ApiConstructor<T>): T {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  return kc.makeApiClient(api);
}

async function within<T>(ms: number, what: string, call: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Lists the nodes, turning an unreachable API or rejected credentials into a SetupError. */
export async function listNodesOrExplain(kubeconfig: string, server: string, context: string): Promise<k8s.V1Node[]> {
  try {
    return (await within(20_000, `GET ${server}/api/v1/nodes`, client(kubeconfig, k8s.CoreV1Api).listNode())).items;
  } catch (e) {
    const status = apiStatus(e);
    if (status === 401) {
      throw new SetupError(`cluster ${server} rejected the credentials of context ${context}: ${apiMessage(e)}`, `refresh them (kubectl --context ${context} get nodes must work)`, { cause: e });
    }
    if (status === 403) {
      throw new SetupError(`context ${context} may not list nodes on ${server}: ${apiMessage(e)}`, 'use a context with cluster-admin rights on a disposable cluster', { cause: e });
    }
    throw new SetupError(
      `cluster unreachable: ${server}: ${apiMessage(e)}`,
      `check that the cluster is running and reachable from here (kubectl --context ${context} get nodes), or pick another context with PROBE_CONTEXT`,
      { cause: e },
    );
  }
}

/** What the scenarios do with the API; each must be allowed. */
const NEEDED: k8s.V1ResourceAttributes[] = [
  { verb: 'create', resource: 'namespaces' },
  { verb: 'delete', resource: 'namespaces' },
  { verb: 'create', resource: 'pods' },
  { verb: 'delete', resource: 'pods' },
  { verb: 'create', resource: 'pods', subresource: 'exec' },
  { verb: 'create', resource: 'services' },
  { verb: 'create', resource: 'roles', group: 'rbac.authorization.k8s.io' },
  { verb: 'create', resource: 'rolebindings', group: 'rbac.authorization.k8s.io' },
  { verb: 'watch', resource: 'events' },
  { verb: 'watch', resource: 'endpointslices', group: 'discovery.k8s.io' },
];

/** Asks the API (SelfSubjectAccessReview) whether this context may do what the scenarios do; skipped if the API cannot say. */
export async function checkPermissions(kubeconfig: string, context: string, log: Log): Promise<void> {
  const authz = client(kubeconfig, k8s.AuthorizationV1Api);
  const denied: string[] = [];
  for (const attrs of NEEDED) {
    let review: k8s.V1SelfSubjectAccessReview;
    try {
      review = await within(20_000, 'SelfSubjectAccessReview', authz.createSelfSubjectAccessReview({ body: { spec: { resourceAttributes: attrs } } }));
    } catch (e) {
      log(`could not check permissions (${apiMessage(e)}); continuing`);
      return;
    }
    if (!review.status?.allowed) {
      denied.push(`${attrs.verb} ${attrs.group ? `${attrs.resource}.${attrs.group}` : attrs.resource}${attrs.subresource ? `/${attrs.subresource}` : ''}`);
    }
  }
  if (denied.length > 0) {
    throw new SetupError(
      `context ${context} may not ${denied.join(', ')}, which the scenarios do`,
      'use a context with cluster-admin rights on a disposable cluster',
    );
  }
}

export interface NodeVerdict {
  name: string;
  usable: boolean;
  /** Why not, for the error message. */
  why?: string;
  kubeletVersion?: string;
}

/** Whether scenario pods (which carry no tolerations or node selectors) can run on a node. */
export function judgeNode(node: k8s.V1Node): NodeVerdict {
  const name = node.metadata?.name ?? '?';
  const kubeletVersion = node.status?.nodeInfo?.kubeletVersion;
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status !== 'True') return { name, usable: false, why: `not Ready${ready ? ` (${ready.reason ?? ready.status}${ready.message ? `: ${ready.message}` : ''})` : ''}`, kubeletVersion };
  if (node.spec?.unschedulable) return { name, usable: false, why: 'cordoned', kubeletVersion };
  const taint = node.spec?.taints?.find((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  if (taint) return { name, usable: false, why: `tainted ${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect}`, kubeletVersion };
  return { name, usable: true, kubeletVersion };
}

/** Polls until some node can run the scenario pods; returns the verdicts of the last poll. */
export async function waitForUsableNode(
  kubeconfig: string,
  server: string,
  context: string,
  log: Log,
  options: { timeoutMs: number; intervalMs?: number } = { timeoutMs: 120_000 },
): Promise<NodeVerdict[]> {
  let summary = 'no answer yet';
  let said = false;
  return await waitFor(
    async () => {
      const verdicts = (await listNodesOrExplain(kubeconfig, server, context)).map(judgeNode);
      if (verdicts.some((v) => v.usable)) return verdicts;
      summary = verdicts.length ? verdicts.map((v) => `${v.name}: ${v.why}`).join('; ') : 'the cluster has no nodes';
      if (!said) log(`waiting for a Ready, schedulable node: ${summary}`);
      said = true;
      return undefined;
    },
    {
      what: 'a Ready, schedulable node',
      timeoutMs: options.timeoutMs,
      intervalMs: options.intervalMs ?? 2_000,
      progress: { log, status: () => summary },
      onTimeout: () =>
        new SetupError(
          `no node of context ${context} can run the scenario pods after ${Math.round(options.timeoutMs / 1000)} s: ${summary}`,
          `make a node Ready and schedulable (kubectl --context ${context} get nodes; describe node)`,
        ),
    },
  );
}
