import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { componentRestartAvailable, nodeControlAvailable, type NodeAccessSpec } from '../cluster/node-access.js';
import type { ImageRewrite } from '../engine/cluster-access.js';
import type { ClusterAbilities } from '../engine/scenario/needs.js';

/**
 * What global setup brought up, written once to reports/run.json and read back, validated, by the
 * test workers and global teardown (Jest workers start after global setup in other processes:
 * nothing else reaches them). It names the Jest process that wrote it, so a file an earlier run
 * left is never taken for this run's.
 */
export const RUN_HANDLE_FILE = 'run.json';

/** What global setup does, in order; a failure names the stage it happened in. */
export const SETUP_STAGES = ['preflight', 'docker', 'cluster', 'images'] as const;
export type SetupStage = (typeof SETUP_STAGES)[number];

const localDaemon = z.object({ command: z.string(), args: z.array(z.string()), pidFile: z.string(), logFile: z.string(), healthz: z.string(), caFile: z.string().optional() });
const nodeAccessSpec = z.union([
  z.object({
    kind: z.literal('local'),
    control: z.record(z.string(), localDaemon).optional(),
    components: z.object({ apiserver: localDaemon, kubelets: z.record(z.string(), localDaemon) }).optional(),
  }),
  z.object({ kind: z.literal('docker'), control: z.boolean().optional() }),
  z.object({ kind: z.literal('none'), reason: z.string() }),
]) satisfies z.ZodType<NodeAccessSpec>;
const imageRewrite = z.object({
  registry: z.string().min(1),
  digests: z.record(z.string(), z.string().regex(/^sha256:[0-9a-f]{64}$/, 'a sha256 digest')).optional(),
}) satisfies z.ZodType<ImageRewrite>;

const clusterHandle = z.object({
  kubeconfig: z.string().min(1),
  nodes: z.array(z.string()).min(1),
  kubernetesVersion: z.string(),
  provider: z.string(),
  runtime: z.string().optional(),
  /** kind: the node image and where it came from. */
  nodeImage: z.string().optional(),
  nodeAccess: nodeAccessSpec,
  images: imageRewrite.optional(),
  kubeletLogFiles: z.array(z.string()),
  /** The API server's feature gates (a scenario's needs.featureGates), or why they could not be read. */
  featureGates: z.union([z.record(z.string(), z.boolean()), z.object({ unknown: z.string() })]),
});
const setupFailure = z.object({
  stage: z.enum(SETUP_STAGES),
  /** The cause and its fix (a few lines). */
  message: z.string(),
  /** No Docker engine: the image tests cannot run either. */
  dockerUnavailable: z.boolean(),
});
const runHandle = z.object({
  /** pid of the Jest process whose global setup wrote it. */
  jestPid: z.number().int(),
  runId: z.string(),
  provider: z.string(),
  outcome: z.union([z.object({ ready: z.literal(true), cluster: clusterHandle }), z.object({ ready: z.literal(false), failure: setupFailure })]),
});
export type RunHandle = z.infer<typeof runHandle>;
export type ClusterHandle = z.infer<typeof clusterHandle>;

/** What the cluster offers scenarios' `needs`. */
export function abilitiesOf(cluster: ClusterHandle): ClusterAbilities {
  const gates = cluster.featureGates;
  return {
    nodes: cluster.nodes.length,
    nodeControl: nodeControlAvailable(cluster.nodeAccess),
    componentRestart: componentRestartAvailable(cluster.nodeAccess),
    kubernetesVersion: cluster.kubernetesVersion,
    ...(cluster.runtime ? { runtime: cluster.runtime } : {}),
    ...('unknown' in gates && typeof gates.unknown === 'string' ? { featureGatesUnknown: gates.unknown } : { featureGates: gates as Record<string, boolean> }),
  };
}

export function removeRunHandle(reportsDir: string): void {
  rmSync(join(reportsDir, RUN_HANDLE_FILE), { force: true });
}

export function writeRunHandle(reportsDir: string, handle: RunHandle): void {
  writeFileSync(join(reportsDir, RUN_HANDLE_FILE), `${JSON.stringify(runHandle.parse(handle), null, 2)}\n`);
}

/**
 * This run's handle, or undefined when this Jest run had no global setup (e.g. only the unit or
 * image tests were selected) or the file is an earlier run's. A file that does not match the
 * schema is an error naming it.
 */
export function readRunHandle(reportsDir: string, jestPids: readonly number[] = [process.ppid, process.pid]): RunHandle | undefined {
  const file = join(reportsDir, RUN_HANDLE_FILE);
  if (!existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: not JSON (${(e as Error).message}); remove it and rerun npm test`);
  }
  const parsed = runHandle.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: ${issue.path.join('.') || '(top)'}: ${issue.message}; remove it and rerun npm test`);
  }
  return jestPids.includes(parsed.data.jestPid) ? parsed.data : undefined;
}

/** The cluster of this run, or why there is none (one of the run's failures, or no global setup). */
export function clusterOfRun(reportsDir: string): { cluster: ClusterHandle; runId: string } | { setupError: string; setupStage: string } {
  const handle = readRunHandle(reportsDir);
  if (!handle) return { setupError: 'no cluster: global setup did not run (run the suite with npm test)', setupStage: 'cluster' };
  if (!handle.outcome.ready) return { setupError: handle.outcome.failure.message, setupStage: handle.outcome.failure.stage };
  return { cluster: handle.outcome.cluster, runId: handle.runId };
}

/** Global setup found no Docker engine for this run: the image tests cannot run either. */
export function dockerUnavailable(reportsDir: string): boolean {
  const handle = readRunHandle(reportsDir);
  return handle !== undefined && !handle.outcome.ready && handle.outcome.failure.dockerUnavailable;
}
