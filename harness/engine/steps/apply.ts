import { join } from 'node:path';
import { describeMatcher, matches } from '../expect/match.js';
import { ApplyRefused, applyObjects } from '../k8s/apply.js';
import { readManifests } from '../k8s/manifests.js';
import type { ScenarioContext, StepOutcome } from '../scenario/context.js';
import type { Matcher } from '../scenario/schema.js';

export interface RejectedSpec {
  code?: Matcher | undefined;
  reason?: Matcher | undefined;
  message?: Matcher | undefined;
}

function objectsOf(ctx: ScenarioContext, files: string | string[]) {
  return (Array.isArray(files) ? files : [files]).flatMap((f) => readManifests(join(ctx.dir, ctx.manifestOverrides[f] ?? f), ctx.namespace, ctx.images));
}

export async function applyStep(ctx: ScenarioContext, files: string | string[], rejected?: RejectedSpec): Promise<StepOutcome> {
  const objects = objectsOf(ctx, files);
  if (rejected) return await expectRefusals(ctx, objects, rejected);
  await applyObjects(ctx.kube, objects);
  return { observed: `applied ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}` };
}

/** Applies each object on its own; every one must be refused, with a Status that matches. */
async function expectRefusals(ctx: ScenarioContext, objects: ReturnType<typeof objectsOf>, want: RejectedSpec): Promise<StepOutcome> {
  const seen: string[] = [];
  for (const obj of objects) {
    const name = `${obj.kind}/${obj.metadata?.name}`;
    try {
      await applyObjects(ctx.kube, [obj]);
    } catch (e) {
      if (!(e instanceof ApplyRefused) || !e.refusal) throw e;
      const r = e.refusal;
      const bad = (
        [
          ['code', want.code, r.code],
          ['reason', want.reason, r.reason],
          ['message', want.message, r.message],
        ] as const
      ).filter(([, m, actual]) => m !== undefined && !matches(m, actual));
      const got = `${r.code} ${r.reason ?? '?'}: ${r.message ?? ''}`;
      if (bad.length) throw new Error(`${name} was refused, but not as expected (${bad.map(([k, m]) => `${k} want ${describeMatcher(m!)}`).join('; ')}): ${got}`);
      seen.push(`${name} refused: ${got}`);
      continue;
    }
    throw new Error(`${name} was accepted by the API server, want it refused${want.message !== undefined ? ` with message ${describeMatcher(want.message)}` : ''}`);
  }
  return { observed: seen.join('; ') };
}
