import { readFile, rm } from 'node:fs/promises';
import type { NodeAccess } from '../../engine/cluster-access.js';
import { localNodeControl, type LocalNodeControl } from './node-control.js';

/** Every node is this machine; with 2+ nodes, `control` stops and starts a node's kubelet. */
export function localNodeAccess(control?: LocalNodeControl): NodeAccess {
  return {
    readFile: (_node, path) => readFile(path, 'utf8'),
    remove: (_node, path) => rm(path, { recursive: true, force: true }),
    ...(control && Object.keys(control).length > 0 ? { control: localNodeControl(control) } : {}),
  };
}
