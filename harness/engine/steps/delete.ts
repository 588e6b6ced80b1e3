import { waitFor } from '../../common/wait.js';
import { apiMessage, apiStatus } from '../k8s/client.js';
import type { ScenarioContext, StepOutcome } from '../scenario/context.js';
import type { Moment } from '../scenario/moments.js';
import { z } from 'zod';
import { Duration, StepBase } from '../scenario/schema-parts.js';
import { parseDuration } from '../scenario/time-expr.js';
import { defineStep } from './define.js';

const DeleteStep = z.strictObject({
  ...StepBase,
  delete: z.strictObject({
    kind: z.string().min(1).default('Pod'),
    apiVersion: z.string().default('v1'),
    name: z.string().min(1),
    /** Wait until the object is gone (default true). */
    wait: z.boolean().default(true),
    gracePeriodSeconds: z.number().int().min(0).optional(),
  }),
  within: Duration.optional(),
});
type DeleteStep = z.infer<typeof DeleteStep>;

/** How long a delete waits for the object to be gone, unless the step says `within`. */
const DELETE_DEFAULT_WITHIN = '120s';

async function run(ctx: ScenarioContext, { delete: spec, within = DELETE_DEFAULT_WITHIN }: DeleteStep): Promise<StepOutcome> {
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
  const seconds = await waitFor(
    async () => {
      try {
        await ctx.kube.objects.read(ref);
        return undefined;
      } catch (e) {
        if (apiStatus(e) === 404) return (Date.now() - started) / 1000;
        throw e;
      }
    },
    {
      what: `${spec.kind}/${spec.name} to be gone`,
      since: started,
      timeoutMs: parseDuration(within) * 1000,
      intervalMs: 250,
      signal: ctx.signal,
      onTimeout: () => `${spec.kind}/${spec.name} still exists ${within} after the delete request`,
    },
  );
  return { observed: `${spec.kind}/${spec.name} gone ${seconds.toFixed(1)}s after the delete request`, measured: { deletionSeconds: seconds }, happened };
}

/** Deletes an object (like kubectl delete) and by default waits until the API no longer has it. */
export const deleteStep = defineStep({
  key: 'delete',
  schema: DeleteStep,
  run,
  summary: (step) => `${step.delete.kind}/${step.delete.name} to be gone`,
  acts: true,
});
