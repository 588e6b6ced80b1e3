import type { Kube } from '../k8s/client.js';
import type { Log } from '../log.js';
import type { ClusterRecorder } from '../observe/recorder.js';
import type { NodeAccess } from '../providers/node-access.js';
import type { ProbeLookup } from './time-expr.js';

/** What a step can use while a scenario runs. */
export interface ScenarioContext {
  kube: Kube;
  namespace: string;
  /** The scenario folder (manifests are relative to it). */
  dir: string;
  view: ClusterRecorder;
  nodes: NodeAccess;
  /** Timeline time (ms) at which each named step completed. */
  stepTimes: Map<string, number>;
  log: Log;
  probeLookup: ProbeLookup;
  /** Manifest file -> file applied instead (a mutation run). */
  manifestOverrides: Record<string, string>;
}

/** What a step reports: evidence, in words, of what the cluster did. */
export interface StepOutcome {
  observed: string;
  /** Measured durations worth showing in the report, e.g. {detectionSeconds: 17.2}. */
  measured?: Record<string, number>;
}
