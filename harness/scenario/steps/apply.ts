import { join } from 'node:path';
import { applyObjects } from '../../k8s/apply.js';
import { readManifests } from '../../k8s/manifests.js';
import type { ScenarioContext, StepOutcome } from '../context.js';

export async function applyStep(ctx: ScenarioContext, files: string | string[]): Promise<StepOutcome> {
  const list = Array.isArray(files) ? files : [files];
  const applied: string[] = [];
  for (const f of list) {
    const objects = readManifests(join(ctx.dir, ctx.manifestOverrides[f] ?? f), ctx.namespace);
    await applyObjects(ctx.kube, objects);
    applied.push(...objects.map((o) => `${o.kind}/${o.metadata?.name}`));
  }
  return { observed: `applied ${applied.join(', ')}` };
}
