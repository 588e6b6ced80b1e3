import type { Kube } from '../k8s/client.js';
import type { Log } from '../../common/log.js';
import type { ClusterView } from '../observe/recorder.js';
import type { ImageRewrite, NodeAccess } from '../cluster-access.js';
import type { CleanupStack, NodePathJournal } from './cleanup.js';
import type { Moment } from './moments.js';
import type { ProbeLookup } from './time-expr.js';
import type { FactsBeforeAnchor } from './anchor-facts.js';

/** What a step can use while a scenario runs. */
export interface ScenarioContext {
  kube: Kube;
  namespace: string;
  /** The scenario folder (manifests are relative to it). */
  dir: string;
  view: ClusterView;
  nodes: NodeAccess;
  /** How manifests must name the demo images (a registry the provider pushed them to), if not as built. */
  images?: ImageRewrite;
  /** When each named step's fact happened (an expect's cluster timestamp) or, else, when the step completed. */
  stepTimes: Map<string, Moment>;
  /**
   * For a timed step measured from a named step: whether its facts held just before that step began,
   * and when that was (timeline ms). Bounds the moment of facts the cluster does not timestamp.
   */
  factsBeforeAnchor?: FactsBeforeAnchor;
  log: Log;
  probeLookup: ProbeLookup;
  /** Manifest file -> file applied instead (a mutation run). */
  manifestOverrides: Record<string, string>;
  /** Undo actions that run when the scenario ends, however it ends (a stopped node's start, a node file's removal). */
  cleanup: CleanupStack;
  /** Node paths the cleanup will remove, written down for a run cut short; absent in unit tests. */
  nodePathJournal?: NodePathJournal;
  /** Aborted when the scenario's timeout is reached: waiting steps stop at once. */
  signal: AbortSignal;
}

/** What a step reports: evidence, in words, of what the cluster did. */
export interface StepOutcome {
  observed: string;
  /** Measured durations worth showing in the report, e.g. {detectionSeconds: 17.2}. */
  measured?: Record<string, number>;
  /** When what the step waited for happened, if the cluster stamped it (a later step's `since` anchor). */
  happened?: Moment;
}
