import type * as k8s from '@kubernetes/client-node';
import type { NodeAccess } from '../../harness/engine/cluster-access.js';
import type { Kube } from '../../harness/engine/k8s/client.js';
import type { ScenarioContext } from '../../harness/engine/scenario/context.js';
import { runScenario, type ScenarioResult } from '../../harness/engine/scenario/runner.js';
import { Scenario } from '../../harness/engine/scenario/schema.js';
import { FakeClusterView } from './fake-cluster-view.js';

/**
 * runScenario without a cluster: a FakeClusterView, fake namespace calls, and FakeNodes. Every
 * call that matters for order goes to one `events` list, with the scenario's namespace written as
 * ${NAMESPACE} so tests need not know its random suffix.
 */
export class FakeNodes implements NodeAccess {
  namespace = '';
  /** Calls (as written to `events`) that fail. */
  failing: string[] = [];
  /** node:path (with ${NAMESPACE}) -> content */
  readonly files = new Map<string, string>();

  constructor(private readonly events: string[]) {}

  private shown(path: string): string {
    return this.namespace ? path.replaceAll(this.namespace, '${NAMESPACE}') : path;
  }

  async readFile(node: string, path: string): Promise<string> {
    this.events.push(`read ${node} ${this.shown(path)}`);
    const content = this.files.get(`${node}:${this.shown(path)}`);
    if (content === undefined) throw new Error(`cat: ${path}: No such file or directory`);
    return content;
  }

  private call(event: string): void {
    this.events.push(event);
    if (this.failing.includes(event)) throw new Error(`${event}: permission denied`);
  }

  async remove(node: string, path: string): Promise<void> {
    this.call(`remove ${node} ${this.shown(path)}`);
  }

  control = async (node: string, action: 'stop' | 'start'): Promise<void> => {
    this.call(`${action} ${node}`);
  };
}

/** A pod the fake view has seen, scheduled to `node`, with the given volumes. */
export function scheduledPod(name: string, node: string, volumes: k8s.V1Volume[] = []): k8s.V1Pod {
  return { metadata: { name, namespace: 'ns' }, spec: { nodeName: node, containers: [{ name: 'c' }], volumes }, status: { phase: 'Running' } };
}

export interface FakeRunSetup {
  pods?: k8s.V1Pod[];
  /** node:path (path with ${NAMESPACE}) -> content */
  files?: Record<string, string>;
  /** The scenario folder (for apply steps). */
  dir?: string;
  /** An apply: what the cluster does with each object (e.g. schedule the pod into the view). */
  onApply?: (obj: k8s.KubernetesObject, view: FakeClusterView) => void;
  /** Node calls that fail, e.g. "start n2" or "remove n1 /tmp/x-${NAMESPACE}". */
  failing?: string[];
  keepNamespace?: boolean;
}

export interface FakeRun {
  result: ScenarioResult;
  events: string[];
  logs: string[];
  view: FakeClusterView;
}

export async function runFake(raw: unknown, setup: FakeRunSetup = {}): Promise<FakeRun> {
  const events: string[] = [];
  const logs: string[] = [];
  const nodes = new FakeNodes(events);
  nodes.failing = setup.failing ?? [];
  for (const [key, content] of Object.entries(setup.files ?? {})) nodes.files.set(key, content);
  const view = new FakeClusterView({ pods: setup.pods ?? [] });
  const kube = {
    objects: {
      patch: async (obj: k8s.KubernetesObject) => {
        events.push(`apply ${obj.kind}/${obj.metadata?.name}`);
        setup.onApply?.(obj, view);
        return obj;
      },
    },
  } as unknown as Kube;
  const dir = setup.dir ?? '/nonexistent';
  const spec = Scenario.parse(raw);
  const result = await runScenario(
    { id: 'T0-runner', dir, file: `${dir}/scenario.yaml`, spec },
    {
      kube,
      nodes,
      runId: 'unit',
      log: (line) => logs.push(line),
      ...(setup.keepNamespace ? { keepNamespace: true } : {}),
      onFailure: async (ctx: ScenarioContext) => {
        events.push(`evidence (signal ${ctx.signal.aborted ? 'aborted' : 'live'})`);
      },
      deps: {
        createNamespace: async (_kube, name) => {
          nodes.namespace = name;
          events.push('create namespace');
        },
        deleteNamespace: async (_kube, _name, waitMs) => void events.push(waitMs > 0 ? 'delete namespace (wait)' : 'delete namespace'),
        recordNamespace: () => view,
      },
    },
  );
  return { result, events, logs, view };
}

export const claims = [{ id: 'T0-1', source: 'unit', text: 'a claim', verdict: 'confirmed' }];
