import type { NodeAccess } from '../../engine/cluster-access.js';
import { run } from '../process/run.js';

/** Each node is a container (kind): `docker exec`, and `docker stop` / `docker start` where allowed. */
export function dockerNodeAccess(control: boolean): NodeAccess {
  return {
    readFile: async (node, path) => (await run('docker', ['exec', node, 'cat', path], { keepFinalNewline: true })).stdout,
    remove: async (node, path) => void (await run('docker', ['exec', node, 'rm', '-rf', path])),
    ...(control ? { control: async (node: string, action: 'stop' | 'start') => void (await run('docker', [action, node])) } : {}),
  };
}
