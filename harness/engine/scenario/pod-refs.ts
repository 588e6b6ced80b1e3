import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import type { PodRef } from '../steps/define.js';

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/** The Pods the manifest files define (by metadata.name) with their container names; unreadable files are left to the apply. */
export function manifestPods(dir: string, files: Iterable<string>): Map<string, Set<string>> {
  const pods = new Map<string, Set<string>>();
  for (const file of files) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    for (const doc of YAML.parseAllDocuments(readFileSync(path, 'utf8'))) {
      if (doc.errors.length) continue;
      const obj = doc.toJS() as { kind?: unknown; metadata?: { name?: unknown }; spec?: Record<string, unknown> } | null;
      if (obj?.kind !== 'Pod' || typeof obj.metadata?.name !== 'string') continue;
      const names = pods.get(obj.metadata.name) ?? new Set<string>();
      for (const list of CONTAINER_LISTS) {
        const containers = obj.spec?.[list];
        if (Array.isArray(containers)) for (const c of containers) if (typeof (c as { name?: unknown })?.name === 'string') names.add((c as { name: string }).name);
      }
      pods.set(obj.metadata.name, names);
    }
  }
  return pods;
}

/**
 * A step that names a pod no manifest defines (or a container that pod does not have) waits for
 * nothing until its timeout: said at load instead. Pods that controllers create have generated
 * names, so a step can only name the Pods of the manifests.
 */
export function podRefProblems(at: string, refs: PodRef[], pods: Map<string, Set<string>>, files: string[]): string[] {
  const known = [...pods.keys()].sort();
  return refs.flatMap((ref) => {
    const containers = pods.get(ref.pod);
    if (!containers) {
      return [`${at}${ref.path}: no Pod named "${ref.pod}" in the manifests this scenario applies (${files.join(', ') || 'none'}); Pods there: ${known.join(', ') || 'none'}`];
    }
    return (ref.containers ?? [])
      .filter((c) => !containers.has(c))
      .map((c) => `${at}${ref.path}: Pod "${ref.pod}" has no container "${c}" (it has ${[...containers].join(', ') || 'none'})`);
  });
}
