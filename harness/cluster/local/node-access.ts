import { readFile, rm } from 'node:fs/promises';
import type { NodeAccess } from '../../engine/cluster-access.js';
import { localComponentControl, type LocalComponents } from './component-control.js';
import { localNodeControl, type LocalNodeControl } from './node-control.js';

/**
 * Every node is this machine; with 2+ nodes, `control` stops and starts a node's kubelet;
 * `components` restarts the API server or a kubelet.
 */
export function localNodeAccess(control?: LocalNodeControl, components?: LocalComponents): NodeAccess {
  return {
    readFile: (_node, path) => readFile(path, 'utf8'),
    remove: (_node, path) => rm(path, { recursive: true, force: true }),
    ...(control && Object.keys(control).length > 0 ? { control: localNodeControl(control) } : {}),
    ...(components ? { components: localComponentControl(components) } : {}),
  };
}
