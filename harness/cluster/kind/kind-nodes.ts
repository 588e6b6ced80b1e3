import * as k8s from '@kubernetes/client-node';
import type { Log } from '../../common/log.js';
import { waitFor } from '../../common/wait.js';

/** Waiting, through the API, until every node of a fresh kind cluster is Ready. */
export interface NodesState {
  /** Every expected node is registered and Ready. */
  ready: boolean;
  /** Node names, control-plane first. */
  names: string[];
  /** The kubelet version nodes report (status.nodeInfo.kubeletVersion of the first node). */
  kubeletVersion?: string;
  /** What is still missing, for progress lines and the timeout error. */
  detail: string;
}

function isControlPlane(node: k8s.V1Node): boolean {
  return Object.keys(node.metadata?.labels ?? {}).includes('node-role.kubernetes.io/control-plane');
}

/** Pure: what a node list says about readiness, given how many nodes the cluster should have. */
export function summarizeNodes(nodes: k8s.V1Node[], expected: number): NodesState {
  const sorted = [...nodes].sort((a, b) => Number(isControlPlane(b)) - Number(isControlPlane(a)) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  const names = sorted.map((n) => n.metadata?.name ?? '?');
  const notReady = sorted.flatMap((n) => {
    const c = n.status?.conditions?.find((x) => x.type === 'Ready');
    return c?.status === 'True' ? [] : [`${n.metadata?.name ?? '?'} ${c ? `${c.reason ?? c.status}${c.message ? `: ${c.message}` : ''}` : 'has no Ready condition yet'}`];
  });
  const parts = [...(nodes.length < expected ? [`${nodes.length} of ${expected} node(s) registered`] : []), ...notReady.map((s) => `not Ready: ${s}`)];
  return {
    ready: nodes.length >= expected && notReady.length === 0,
    names,
    kubeletVersion: sorted[0]?.status?.nodeInfo?.kubeletVersion,
    detail: parts.join('; ') || `${nodes.length} node(s) Ready`,
  };
}

/** The deadline passed; the provider turns this into a SetupError naming the exported node logs. */
export class NodesNotReady extends Error {
  constructor(
    readonly timeoutMs: number,
    readonly state: NodesState,
  ) {
    super(`the kind cluster's nodes were not Ready within ${Math.round(timeoutMs / 1000)} s: ${state.detail}`);
    this.name = 'NodesNotReady';
  }
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Progress line every this many ms (default 30 s). */
  progressMs?: number;
}

export async function waitForNodesReady(kubeconfig: string, expected: number, log: Log, options: WaitOptions): Promise<NodesState & { kubeletVersion: string }> {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let state: NodesState = { ready: false, names: [], detail: 'the API server has not answered yet' };
  return await waitFor(
    async () => {
      try {
        state = summarizeNodes((await core.listNode()).items, expected);
      } catch (err) {
        state = { ...state, ready: false, detail: `the API server does not answer yet (${err instanceof Error ? err.message.split('\n')[0] : String(err)})` };
      }
      return state.ready && state.kubeletVersion ? { ...state, kubeletVersion: state.kubeletVersion } : undefined;
    },
    {
      what: `${expected} node(s) to be Ready`,
      timeoutMs: options.timeoutMs,
      intervalMs: options.intervalMs ?? 1_000,
      progress: { log, status: () => state.detail, ...(options.progressMs !== undefined ? { everyMs: options.progressMs } : {}) },
      onTimeout: () => new NodesNotReady(options.timeoutMs, state),
    },
  );
}
