import { readFile, rm } from 'node:fs/promises';
import { run } from './process/run.js';
import { localNodeControl, type LocalNodeControl } from './local/node-control.js';

/**
 * Reading and removing files on a node, from any process of the run (Jest workers included):
 * built from PROBE_NODE_ACCESS, which the provider sets in global setup.
 * - local: every node is this machine; with 2+ nodes, `control` stops and starts a node's
 *   kubelet (local/node-control.ts).
 * - docker: each node is a container (kind), reached with `docker exec`, stopped and started
 *   with `docker stop` / `docker start`.
 */
export interface NodeAccess {
  readFile(node: string, path: string): Promise<string>;
  remove(node: string, path: string): Promise<void>;
  /**
   * Stops or starts a whole node (a node failure on demand); absent where the provider cannot.
   * The signal (a scenario's) ends the wait for a started node to be up.
   */
  control?: (node: string, action: 'stop' | 'start', signal?: AbortSignal) => Promise<void>;
}

/**
 * docker.control false: the nodes are someone else's (an existing kind cluster), never stopped.
 * local.control: how to stop and start each node's kubelet (set only when the cluster has 2+ nodes).
 */
export type NodeAccessSpec = { kind: 'local'; control?: LocalNodeControl } | { kind: 'docker'; control?: boolean } | { kind: 'none'; reason: string };

export const NODE_ACCESS_ENV = 'PROBE_NODE_ACCESS';

/** Whether this run's provider can stop and start nodes (see NodeAccess.control). */
export function nodeControlAvailable(): boolean {
  const spec = JSON.parse(process.env[NODE_ACCESS_ENV] ?? '{"kind":"local"}') as NodeAccessSpec;
  if (spec.kind === 'local') return Object.keys(spec.control ?? {}).length > 0;
  return spec.kind === 'docker' && spec.control !== false;
}

export function nodeAccessFromEnv(): NodeAccess {
  const spec = JSON.parse(process.env[NODE_ACCESS_ENV] ?? '{"kind":"local"}') as NodeAccessSpec;
  switch (spec.kind) {
    case 'local':
      return {
        readFile: (_node, path) => readFile(path, 'utf8'),
        remove: (_node, path) => rm(path, { recursive: true, force: true }),
        ...(spec.control && Object.keys(spec.control).length > 0 ? { control: localNodeControl(spec.control) } : {}),
      };
    case 'docker':
      return {
        readFile: async (node, path) => (await run('docker', ['exec', node, 'cat', path])).stdout,
        remove: async (node, path) => void (await run('docker', ['exec', node, 'rm', '-rf', path])),
        ...(spec.control !== false ? { control: async (node: string, action: 'stop' | 'start') => void (await run('docker', [action, node])) } : {}),
      };
    default: {
      const fail = async (): Promise<never> => {
        throw new Error(`node files cannot be read with this provider: ${spec.reason}`);
      };
      return { readFile: fail, remove: fail };
    }
  }
}
