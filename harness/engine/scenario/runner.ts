import type { Kube } from '../k8s/client.js';
import { createNamespace, deleteNamespace, namespaceName } from '../k8s/namespace.js';
import type { Log } from '../../common/log.js';
import { errorText } from '../../common/errors.js';
import { ClusterRecorder, type ClusterView } from '../observe/recorder.js';
import type { Gap, TimelineEntry } from '../observe/timeline.js';
import type { ImageRewrite, NodeAccess } from '../cluster-access.js';
import type { StepDefinition } from '../steps/define.js';
import { definitionOfStep } from '../steps/registry.js';
import type { ScenarioContext } from './context.js';
import type { LoadedScenario } from './load.js';
import { probeLookupFor } from './probe-lookup.js';
import type { Mutation, Step } from './schema.js';
import { CleanupStack, type NodePathJournal } from './cleanup.js';
import { noteFactsBeforeAnchor } from './anchor-facts.js';
import { watchMoment, type Moment } from './moments.js';
import { parseDuration } from './time-expr.js';

export interface StepResult {
  index: number;
  /** `finally` for the scenario's finally steps. */
  phase?: 'finally';
  kind: string;
  name?: string;
  claim: string;
  ok: boolean;
  /** Timeline ms. */
  startedAt: number;
  endedAt: number;
  observed: string;
  measured?: Record<string, number>;
}

export interface ScenarioResult {
  id: string;
  title: string;
  namespace: string;
  passed: boolean;
  error?: string;
  durationMs: number;
  steps: StepResult[];
  timeline: TimelineEntry[];
  /** Stretches nobody saw: watches lost, a component stopped (see Gap); empty when none. */
  gaps?: Gap[];
}

/** How long the end of a scenario waits for its namespace to go before removing its pods' node files. */
const NAMESPACE_GONE_MS = 120_000;

/** How often a long step prints that it is still waiting. */
const PROGRESS_EVERY_MS = 30_000;

function definitionOf(step: Step): StepDefinition {
  const definition = definitionOfStep(step);
  if (!definition) throw new Error(`not a known step kind: ${Object.keys(step).join(', ')}`);
  return definition;
}

/** The moment a named step stands for, when it gives none itself (see ScenarioContext.stepTimes). */
function anchorOf(definition: StepDefinition, startedAt: number, endedAt: number): Moment {
  return definition.acts ? { lo: startedAt, hi: endedAt, source: 'watch' } : watchMoment(endedAt);
}

/** A ClusterView that records from start() to stop(). */
export interface RecordingView extends ClusterView {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** What runScenario uses of the cluster besides the steps; replaced in unit tests. */
export interface RunnerDeps {
  createNamespace(kube: Kube, name: string, runId: string): Promise<void>;
  /** waitMs > 0: until the namespace (and so every pod of it) is gone, at most that long. */
  deleteNamespace(kube: Kube, name: string, waitMs: number): Promise<void>;
  recordNamespace(kube: Kube, namespace: string): RecordingView;
}

const realDeps: RunnerDeps = {
  createNamespace: (kube, name, runId) => createNamespace(kube, name, runId),
  deleteNamespace: (kube, name, waitMs) => deleteNamespace(kube, name, waitMs),
  recordNamespace: (kube, namespace) => new ClusterRecorder(kube, namespace),
};

export interface RunScenarioOptions {
  kube: Kube;
  nodes: NodeAccess;
  images?: ImageRewrite;
  nodePathJournal?: NodePathJournal;
  runId: string;
  log: Log;
  /** Called before the namespace is removed when the scenario failed: collect evidence. */
  onFailure?: (ctx: ScenarioContext, result: ScenarioResult) => Promise<void>;
  keepNamespace?: boolean;
  /** Run a broken variant instead of the scenario as written. */
  mutation?: Mutation;
  deps?: Partial<RunnerDeps>;
}

/**
 * Runs one scenario in a namespace of its own: records the namespace from the start, runs the
 * steps in order (the first failing step ends them; the timeout aborts the one running), then the
 * `finally` steps and the undo actions steps registered, however the steps ended, and removes the
 * namespace.
 */
export async function runScenario(scenario: LoadedScenario, opts: RunScenarioOptions): Promise<ScenarioResult> {
  const namespace = namespaceName(scenario.id);
  const started = Date.now();
  const deps = { ...realDeps, ...opts.deps };
  await deps.createNamespace(opts.kube, namespace, opts.runId);
  const view = deps.recordNamespace(opts.kube, namespace);
  const abort = new AbortController();
  const ctx: ScenarioContext = {
    kube: opts.kube,
    namespace,
    dir: scenario.dir,
    view,
    nodes: opts.nodes,
    ...(opts.images ? { images: opts.images } : {}),
    stepTimes: new Map(),
    factsBeforeAnchor: new WeakMap(),
    log: opts.log,
    probeLookup: probeLookupFor(view),
    manifestOverrides: opts.mutation?.replace ?? {},
    cleanup: new CleanupStack(),
    ...(opts.nodePathJournal ? { nodePathJournal: opts.nodePathJournal } : {}),
    signal: abort.signal,
  };
  const result: ScenarioResult = { id: scenario.id, title: scenario.spec.title, namespace, passed: false, durationMs: 0, steps: [], timeline: view.timeline.entries, gaps: view.timeline.gaps };
  const defaultClaim = scenario.spec.claims[0]!.id;
  const deadline = parseDuration(scenario.spec.timeout) * 1000;
  const total = scenario.spec.steps.length;
  const allSteps = [...scenario.spec.steps, ...(scenario.spec.finally ?? [])];

  const runSteps = async (steps: Step[], phase?: 'finally') => {
    for (const [index, step] of steps.entries()) {
      const definition = definitionOf(step);
      const kind = definition.key;
      const label = step.name ?? `${phase ? `${phase} ` : ''}${kind} #${index + 1}`;
      const position = phase ? `${phase} step ${index + 1}/${steps.length}` : `step ${index + 1}/${total}`;
      const startedAt = Date.now() - view.timeline.startedAt;
      view.timeline.add('step', label, 'started');
      opts.log(`${scenario.id}: ${position} ${label}`);
      const base = { index, ...(phase ? { phase } : {}), kind, ...(step.name ? { name: step.name } : {}), claim: step.claim ?? defaultClaim, startedAt };
      const heartbeat = setInterval(() => {
        const elapsed = Math.round((Date.now() - view.timeline.startedAt - startedAt) / 1000);
        opts.log(`${scenario.id}: ${position} ${label}: waiting for ${definition.summary(step)} (${elapsed}s)`);
      }, PROGRESS_EVERY_MS);
      try {
        if (step.name) noteFactsBeforeAnchor(ctx.factsBeforeAnchor!, view, step.name, allSteps, definitionOf);
        const outcome = await definition.run(ctx, step);
        const endedAt = Date.now() - view.timeline.startedAt;
        if (step.name) ctx.stepTimes.set(step.name, outcome.happened ?? anchorOf(definition, startedAt, endedAt));
        view.timeline.add('step', label, `passed: ${outcome.observed}`);
        result.steps.push({ ...base, ok: true, endedAt, observed: outcome.observed, ...(outcome.measured ? { measured: outcome.measured } : {}) });
      } catch (e) {
        const message = errorText(e);
        view.timeline.add('step', label, `FAILED: ${message}`);
        result.steps.push({ ...base, ok: false, endedAt: Date.now() - view.timeline.startedAt, observed: message });
        throw new Error(`${phase ? `${phase} ` : ''}step ${index + 1} (${label}) failed: ${message}`);
      } finally {
        clearInterval(heartbeat);
      }
    }
  };

  let timer: NodeJS.Timeout | undefined;
  const fail = (e: unknown) => {
    result.error ??= e instanceof Error ? e.message : String(e);
  };
  try {
    await view.start();
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const reason = new Error(`scenario timeout ${scenario.spec.timeout} reached`);
        abort.abort(reason);
        reject(reason);
      }, deadline);
    });
    // The race also ends a step that does not listen to the signal.
    await Promise.race([runSteps(scenario.spec.steps), timedOut]);
  } catch (e) {
    fail(e);
  } finally {
    clearTimeout(timer);
  }
  const collectEvidence = async () => {
    if (opts.onFailure) await opts.onFailure(ctx, result).catch((err: unknown) => opts.log(`evidence collection failed: ${String(err)}`));
  };
  // The evidence of a failure first, as the steps left the cluster; then, whatever happened, the
  // finally steps (with a signal of their own) and the undo actions.
  const stepsFailed = result.error !== undefined;
  if (stepsFailed) await collectEvidence();
  if (scenario.spec.finally?.length) {
    ctx.signal = new AbortController().signal;
    await runSteps(scenario.spec.finally, 'finally').catch(fail);
  }
  for (const failure of await ctx.cleanup.runAll(opts.log)) fail(new Error(`cleanup failed: ${failure}`));
  result.passed = result.error === undefined;
  try {
    if (!result.passed && !stepsFailed) await collectEvidence();
  } finally {
    result.durationMs = Date.now() - started;
    await view.stop();
    const later = ctx.cleanup.has('afterNamespace');
    if (!opts.keepNamespace) await deps.deleteNamespace(opts.kube, namespace, later ? NAMESPACE_GONE_MS : 0).catch(() => undefined);
    if (later && opts.keepNamespace) opts.log(`${scenario.id}: namespace kept, so its pods' node files are too: ${ctx.cleanup.labels.join('; ')}`);
    else if (later) for (const failure of await ctx.cleanup.runAll(opts.log, 'afterNamespace')) opts.log(`cleanup failed: ${failure}`);
  }
  return result;
}
