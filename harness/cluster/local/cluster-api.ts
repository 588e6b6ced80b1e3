import * as k8s from '@kubernetes/client-node';

/**
 * The few API calls bringing the cluster up needs: the RBAC binding the apiserver needs to
 * call the kubelet (exec, logs, port-forward), and a node's Ready condition and podCIDR.
 */
export const APISERVER_KUBELET_USER = 'kube-apiserver-kubelet-client';

function client<T extends k8s.ApiType>(kubeconfig: string, api: k8s.ApiConstructor<T>): T {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  return kc.makeApiClient(api);
}

function status(err: unknown): number | undefined {
  return err instanceof k8s.ApiException ? err.code : undefined;
}

/** Binds the apiserver's kubelet-client identity to system:kubelet-api-admin (as local-up-cluster does). */
export async function bindApiserverToKubelet(kubeconfig: string): Promise<void> {
  const rbac = client(kubeconfig, k8s.RbacAuthorizationV1Api);
  try {
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: 'probe-conformance:apiserver-kubelet-client' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:kubelet-api-admin' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: APISERVER_KUBELET_USER }],
      },
    });
  } catch (err) {
    if (status(err) !== 409) throw err;
  }
}

export interface NodeState {
  exists: boolean;
  ready: boolean;
  /** The Ready condition's reason/message, for a timeout error. */
  detail: string;
  /** spec.podCIDR, once the controller-manager has allocated it. */
  podCIDR?: string;
}

export async function nodeState(kubeconfig: string, nodeName: string): Promise<NodeState> {
  const core = client(kubeconfig, k8s.CoreV1Api);
  try {
    const node = await core.readNode({ name: nodeName });
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    return {
      exists: true,
      ready: ready?.status === 'True',
      detail: ready ? `${ready.reason ?? ''}: ${ready.message ?? ''}` : 'no Ready condition yet',
      ...(node.spec?.podCIDR ? { podCIDR: node.spec.podCIDR } : {}),
    };
  } catch (err) {
    if (status(err) === 404) return { exists: false, ready: false, detail: 'the node has not registered' };
    throw err;
  }
}
