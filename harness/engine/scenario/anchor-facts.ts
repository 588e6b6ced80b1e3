import type { ClusterView } from '../observe/recorder.js';
import type { StepDefinition } from '../steps/define.js';
import type { Step } from './schema.js';

/** Whether each timed step's facts held just before the step it is measured from began, and when. */
export type FactsBeforeAnchor = WeakMap<object, { held: boolean; t: number }>;

/**
 * Just before the step named `name` begins: for every step of `steps` measured from it (a timed
 * expect's `since`), notes whether its facts already hold. Facts the cluster does not timestamp
 * (container fields, endpoints) that are already true when the timed step begins happened after
 * this moment when they did not hold yet, which bounds their moment from below.
 */
export function noteFactsBeforeAnchor(notes: FactsBeforeAnchor, view: ClusterView, name: string, steps: readonly Step[], definitionOf: (step: Step) => StepDefinition): void {
  const t = Date.now() - view.timeline.startedAt;
  for (const step of steps) {
    const definition = definitionOf(step);
    if (definition.measuredFrom?.(step) !== name || !definition.holdsNow) continue;
    try {
      notes.set(step, { held: definition.holdsNow(step, view), t });
    } catch {
      // Not checkable yet (e.g. a pattern on something absent): the step is measured without this note.
    }
  }
}
