import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { describeMatcher, matches } from '../expect/match.js';
import { ApplyRefused, applyObjects } from '../k8s/apply.js';
import { readManifests } from '../k8s/manifests.js';
import type { ScenarioContext, StepOutcome } from '../scenario/context.js';
import { Matcher, StepBase } from '../scenario/schema-parts.js';
import { defineStep } from './define.js';
import { deferFinalizerRemovals } from './finalizers.js';
import { deferHostPathRemovals } from './host-paths.js';
import { podIpValues } from './manifest-pod-ips.js';

const Rejected = z.strictObject({ code: Matcher.optional(), reason: Matcher.optional(), message: Matcher.optional() });
type Rejected = z.infer<typeof Rejected>;

const ApplyStep = z.strictObject({
  ...StepBase,
  apply: z.union([z.string(), z.array(z.string()).min(1)]),
  /**
   * The API server must refuse every object of the file(s) (e.g. validation): the step fails if
   * one is accepted. Compares the refusal's HTTP code, Status reason and message.
   */
  rejected: Rejected.optional(),
});
type ApplyStep = z.infer<typeof ApplyStep>;

const filesOf = (step: ApplyStep) => (Array.isArray(step.apply) ? step.apply : [step.apply]);

async function objectsOf(ctx: ScenarioContext, names: string[]) {
  const files = names.map((f) => join(ctx.dir, ctx.manifestOverrides[f] ?? f));
  const values = await podIpValues(ctx, files);
  return files.flatMap((f) => readManifests(f, ctx.namespace, ctx.images, values));
}

async function run(ctx: ScenarioContext, step: ApplyStep): Promise<StepOutcome> {
  const objects = await objectsOf(ctx, filesOf(step));
  if (step.rejected) return await expectRefusals(ctx, objects, step.rejected);
  deferHostPathRemovals(ctx, objects);
  deferFinalizerRemovals(ctx, objects);
  await applyObjects(ctx.kube, objects);
  return { observed: `applied ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}` };
}

/** Server-side apply of manifests of the scenario folder, or (`rejected`) their expected refusal. */
export const applyStep = defineStep({
  key: 'apply',
  schema: ApplyStep,
  run,
  summary: () => 'the API server',
  acts: true,
  passedIsEvidence: false,
  manifests: filesOf,
  check: (step, { dir, repoRoot, at }) =>
    filesOf(step)
      .filter((f) => !existsSync(join(dir, f)))
      .map((f) => `${at}.apply: manifest ${f} not found in ${relative(repoRoot, dir)}`),
});

/** Applies each object on its own; every one must be refused, with a Status that matches. */
async function expectRefusals(ctx: ScenarioContext, objects: Awaited<ReturnType<typeof objectsOf>>, want: Rejected): Promise<StepOutcome> {
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
