import { readFileSync } from 'node:fs';
import type { ScenarioContext } from '../scenario/context.js';
import { waitFor } from '../../common/wait.js';

/**
 * `${podIP:NAME}` in a manifest: the IP of pod NAME of the scenario (e.g. an httpGet hook's
 * `host:` pointing at a handler pod). The pod must come from an earlier apply; the apply waits for
 * its IP.
 */
export const POD_IP_PLACEHOLDER = /\$\{podIP:([a-z0-9.-]+)\}/g;

/** The pods whose IP the text names, in order of appearance. */
export function podIpRefs(text: string): string[] {
  return [...new Set([...text.matchAll(POD_IP_PLACEHOLDER)].map((m) => m[1]!))];
}

export const POD_IP_WAIT_MS = 60_000;

/** `${podIP:NAME}` -> IP, for every such placeholder of the files, waiting up to POD_IP_WAIT_MS for each pod's IP. */
export async function podIpValues(ctx: ScenarioContext, files: string[]): Promise<Record<string, string>> {
  const names = [...new Set(files.flatMap((f) => podIpRefs(readFileSync(f, 'utf8'))))];
  const values: Record<string, string> = {};
  for (const name of names) {
    values[`\${podIP:${name}}`] = await waitFor(() => ctx.view.pods.get(name)?.status?.podIP, {
      what: `\${podIP:${name}}`,
      timeoutMs: POD_IP_WAIT_MS,
      intervalMs: 250,
      signal: ctx.signal,
      onTimeout: () => `\${podIP:${name}}: pod ${name} has no IP after ${POD_IP_WAIT_MS / 1000} s (is it applied by an earlier step, and scheduled?)`,
    });
  }
  return values;
}

/** What looks like a pod-IP placeholder, spelt right or not (`${...}` alone is often a shell variable of a command). */
const POD_IP_LIKE = /\$\{(pod_?ip\b[^}]*)\}/gi;

/**
 * Load-time check of the placeholders of the manifests each step applies, in step order: a
 * `${podIP:NAME}` must name a Pod that an earlier step applied (its IP exists only then).
 * `steps`: [where, files the step applies (with the mutations' replacements)].
 */
export function placeholderProblems(steps: [string, string[]][], readText: (file: string) => string | undefined, podsOf: (files: string[]) => Set<string>): string[] {
  const problems: string[] = [];
  const earlier: string[] = [];
  for (const [at, files] of steps) {
    const before = podsOf(earlier);
    for (const file of files) {
      const text = readText(file);
      if (text === undefined) continue;
      for (const m of text.matchAll(POD_IP_LIKE)) {
        const ip = /^podIP:([a-z0-9.-]+)$/.exec(m[1]!);
        if (!ip) {
          problems.push(`${at}: ${file}: ${m[0]} is not a placeholder: write \${podIP:<pod name>}`);
        } else if (!before.has(ip[1]!)) {
          problems.push(`${at}: ${file}: ${m[0]} names no Pod that an earlier apply step creates${before.size ? ` (earlier Pods: ${[...before].sort().join(', ')})` : ''}; apply pod ${ip[1]} in a step before this one`);
        }
      }
    }
    earlier.push(...files);
  }
  return problems;
}
