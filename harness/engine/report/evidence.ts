import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import type { ScenarioContext } from '../scenario/context.js';
import type { ScenarioResult } from '../scenario/runner.js';

export function scenarioReportDir(reportsDir: string, id: string): string {
  const dir = join(reportsDir, 'scenarios', id);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Kubelet log lines that mention the namespace (the last 400 of them per kubelet). */
function kubeletExcerpt(namespace: string, kubeletLogFiles: readonly string[]): string | undefined {
  const files = kubeletLogFiles.filter((f) => existsSync(f));
  if (!files.length) return undefined;
  return files
    .map((file) => {
      const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.includes(namespace));
      return `${files.length > 1 ? `== ${file}\n` : ''}${lines.slice(-400).join('\n')}`;
    })
    .join('\n');
}

/**
 * Writes what a failed scenario's namespace shows, before it is deleted: events, pod status,
 * container logs (current and previous), and the lines about the namespace of the kubelet logs
 * the provider named (local provider: files on this machine).
 */
export async function collectEvidence(ctx: ScenarioContext, result: ScenarioResult, reportsDir: string, kubeletLogFiles: readonly string[] = []): Promise<void> {
  const dir = scenarioReportDir(reportsDir, result.id);
  const { core } = ctx.kube;
  const events = (await core.listNamespacedEvent({ namespace: ctx.namespace })).items;
  writeFileSync(
    join(dir, 'events.txt'),
    events
      .map((e) => `${e.lastTimestamp ?? e.eventTime ?? ''}  ${e.type} ${e.reason} ${e.involvedObject?.kind}/${e.involvedObject?.name}${e.involvedObject?.fieldPath ? ` ${e.involvedObject.fieldPath}` : ''} (x${e.count ?? 1}): ${e.message}`)
      .join('\n') + '\n',
  );
  const pods = (await core.listNamespacedPod({ namespace: ctx.namespace })).items;
  writeFileSync(join(dir, 'pods.yaml'), YAML.stringify(pods.map((p) => ({ name: p.metadata?.name, node: p.spec?.nodeName, status: p.status }))));
  const logsDir = join(dir, 'logs');
  mkdirSync(logsDir, { recursive: true });
  for (const pod of pods) {
    for (const c of pod.spec?.containers ?? []) {
      for (const previous of [false, true]) {
        const name = pod.metadata?.name ?? '?';
        try {
          const text = await core.readNamespacedPodLog({ name, namespace: ctx.namespace, container: c.name, previous, tailLines: 500 });
          writeFileSync(join(logsDir, `${name}_${c.name}${previous ? '.previous' : ''}.log`), String(text));
        } catch {
          /* no previous container, or never started */
        }
      }
    }
  }
  const kubelet = kubeletExcerpt(ctx.namespace, kubeletLogFiles);
  if (kubelet !== undefined) writeFileSync(join(dir, 'kubelet-excerpt.log'), kubelet + '\n');
}

/** The result (steps, evidence, timeline) of every scenario, failed or not. */
/** Writes result.json and timeline.txt (one line per timeline entry: seconds, kind, subject, text). */
export function writeResult(reportsDir: string, result: ScenarioResult): void {
  const dir = scenarioReportDir(reportsDir, result.id);
  writeFileSync(join(dir, 'result.json'), JSON.stringify(result, null, 2));
  const timeline = result.timeline.map((e) => `${(e.t / 1000).toFixed(1).padStart(7)}s  ${e.kind.padEnd(9)} ${e.subject}: ${e.text}`);
  writeFileSync(join(dir, 'timeline.txt'), `${timeline.join('\n')}\n`);
}
