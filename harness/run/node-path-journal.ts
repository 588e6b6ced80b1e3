import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Log } from '../common/log.js';
import type { NodeAccess } from '../engine/cluster-access.js';
import type { NodePathJournal } from '../engine/scenario/cleanup.js';
import { scenarioPathRoot } from '../engine/steps/host-paths.js';

/**
 * reports/pending-node-paths/<namespace>.json: the node paths a running scenario will remove when
 * it ends (its pods' hostPath directories). A scenario that ends clears its file; what is left
 * when the run stops (Ctrl-C killed the workers) is removed on every node then.
 */
const DIR = 'pending-node-paths';

const fileOf = (reportsDir: string, namespace: string) => join(reportsDir, DIR, `${namespace}.json`);

function read(file: string): string[] {
  try {
    const paths: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return Array.isArray(paths) ? paths.filter((p): p is string => typeof p === 'string') : [];
  } catch {
    return [];
  }
}

export function fileNodePathJournal(reportsDir: string): NodePathJournal {
  return {
    pending(namespace, path) {
      mkdirSync(join(reportsDir, DIR), { recursive: true });
      const file = fileOf(reportsDir, namespace);
      writeFileSync(file, JSON.stringify([...new Set([...read(file), path])]));
    },
    done(namespace, path) {
      const file = fileOf(reportsDir, namespace);
      const left = read(file).filter((p) => p !== path);
      if (left.length) writeFileSync(file, JSON.stringify(left));
      else rmSync(file, { force: true });
    },
  };
}

/** Removes, on every node, the paths scenarios cut short left pending; only paths naming their namespace. */
export async function removePendingNodePaths(reportsDir: string, nodes: readonly string[], access: NodeAccess, log: Log): Promise<void> {
  const dir = join(reportsDir, DIR);
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const namespace = name.slice(0, -'.json'.length);
    for (const path of read(join(dir, name)).filter((p) => scenarioPathRoot(p, namespace) !== undefined)) {
      log(`removing ${path} (left by a scenario that did not finish) on ${nodes.join(', ')}`);
      for (const node of nodes) await access.remove(node, path).catch((e: unknown) => log(`  not removed on ${node}: ${e instanceof Error ? e.message : String(e)}`));
    }
    rmSync(join(dir, name), { force: true });
  }
}
