import { setTimeout as delay } from 'node:timers/promises';
import { apiMessage, apiStatus } from '../k8s/client.js';
import type { ScenarioContext, StepOutcome } from '../scenario/context.js';
import type { Moment } from '../scenario/moments.js';
import { parseDuration } from '../scenario/time-expr.js';

export interface DeleteSpec {
  kind: string;
  apiVersion: string;
  name: string;
  wait: boolean;
  gracePeriodSeconds?: number | undefined;
}

/** Deletes an object (like kubectl delete) and by default waits until the API no longer has it. */
export async function deleteStep(ctx: ScenarioContext, spec: DeleteSpec, within = '120s'): Promise<StepOutcome> {
  const ref = { apiVersion: spec.apiVersion, kind: spec.kind, metadata: { name: spec.name, namespace: ctx.namespace } };
  const started = Date.now();
  try {
    await ctx.kube.objects.delete(ref, undefined, undefined, spec.gracePeriodSeconds);
  } catch (e) {
    throw new Error(`delete ${spec.kind}/${spec.name}: ${apiMessage(e)}`);
  }
  // A later step's `since:` counts from the request (sent, answered), not from the object being gone.
  const t0 = ctx.view.timeline.startedAt;
  const happened: Moment = { lo: started - t0, hi: Date.now() - t0, source: 'watch' };
  if (!spec.wait) return { observed: `delete of ${spec.kind}/${spec.name} requested`, happened };
  const deadline = started + parseDuration(within) * 1000;
  for (;;) {
    try {
      await ctx.kube.objects.read(ref);
    } catch (e) {
      if (apiStatus(e) === 404) {
        const seconds = (Date.now() - started) / 1000;
        return { observed: `${spec.kind}/${spec.name} gone ${seconds.toFixed(1)}s after the delete request`, measured: { deletionSeconds: seconds }, happened };
      }
      throw e;
    }
    if (Date.now() > deadline) throw new Error(`${spec.kind}/${spec.name} still exists ${within} after the delete request`);
    await delay(250);
  }
}
