import { execInContainer } from '../k8s/exec.js';
import { describeMatcher, matches } from '../expect/match.js';
import { z } from 'zod';
import { Duration, Matcher, StepBase } from '../scenario/schema-parts.js';
import type { ScenarioContext, StepOutcome } from '../scenario/context.js';
import { defineStep } from './define.js';
import { containerOf } from './exec.js';
import { retryWithin } from './retry.js';

const HttpStep = z.strictObject({
  ...StepBase,
  http: z.strictObject({
    /** The pod (with wget) the request is sent from: requests come from inside the cluster. */
    from: z.string().min(1),
    container: z.string().min(1).optional(),
    /** May use ${service:NAME} (ClusterIP) and ${podIP:NAME}, as manifests do; the older {service:NAME} / {podIP:NAME} still work. */
    url: z.string().min(1),
    headers: z.record(z.string(), z.string()).optional(),
    timeoutSeconds: z.number().positive().default(3),
    expect: z.union([
      z.strictObject({ status: Matcher, body: Matcher.optional() }),
      z.strictObject({ error: Matcher }),
    ]),
  }),
  within: Duration.optional(),
});
type HttpStep = z.infer<typeof HttpStep>;

/** Fills ${service:NAME} with the Service's ClusterIP and ${podIP:NAME} with the pod's IP (the `$` may be left out). */
export async function resolveUrl(ctx: ScenarioContext, url: string): Promise<string> {
  let out = url;
  for (const m of url.matchAll(/\$?\{(service|podIP):([a-z0-9.-]+)\}/g)) {
    let ip: string | undefined;
    if (m[1] === 'service') {
      ip = (await ctx.kube.core.readNamespacedService({ name: m[2]!, namespace: ctx.namespace })).spec?.clusterIP;
    } else {
      ip = ctx.view.pods.get(m[2]!)?.status?.podIP;
    }
    if (!ip) throw new Error(`${m[0]}: no address known (is the ${m[1] === 'service' ? 'Service' : 'pod'} there?)`);
    out = out.replace(m[0], ip);
  }
  return out;
}

export interface HttpResult {
  status?: number;
  body: string;
  /** Normalised transport error: "connection refused", "timeout", "no route to host", or the raw text. */
  error?: string;
}

/** Interprets `timeout N wget -S` output (busybox: headers on stderr; exit 143 when timed out). */
export function readWget(exitCode: number, stdout: string, stderr: string): HttpResult {
  const statuses = [...stderr.matchAll(/HTTP\/\d(?:\.\d)? (\d{3})/g)].map((m) => Number(m[1]));
  const status = statuses.at(-1);
  if (status !== undefined) return { status, body: stdout };
  if (exitCode === 0) return { status: 200, body: stdout };
  const text = stderr.trim().split('\n').at(-1) ?? '';
  if (exitCode === 143 || exitCode === 124 || exitCode === 137) return { body: stdout, error: 'timeout' };
  const error = /refused/i.test(text)
    ? 'connection refused'
    : /timed out/i.test(text)
      ? 'timeout'
      : /no route/i.test(text)
        ? 'no route to host'
        : text || `wget exited ${exitCode}`;
  return { body: stdout, error };
}

async function run(ctx: ScenarioContext, { http: spec, within }: HttpStep): Promise<StepOutcome> {
  const url = await resolveUrl(ctx, spec.url);
  const container = containerOf(ctx, spec.from, spec.container);
  const headerArgs = Object.entries(spec.headers ?? {}).flatMap(([k, v]) => ['--header', `${k}: ${v}`]);
  // `timeout` bounds the request: busybox-static 1.35's `wget -T` crashes (Debian bookworm).
  const command = ['timeout', String(spec.timeoutSeconds), 'wget', '-S', '-O', '-', ...headerArgs, url];
  const outcome = await retryWithin(within, async () => {
    const r = await execInContainer(ctx.kube, ctx.namespace, spec.from, container, command, (spec.timeoutSeconds + 20) * 1000);
    const res = readWget(r.exitCode, r.stdout, r.stderr);
    const seen = res.status !== undefined ? `HTTP ${res.status}${res.body ? ` ${JSON.stringify(res.body.trim().slice(0, 80))}` : ''}` : `error: ${res.error}`;
    const e = spec.expect;
    let ok: boolean;
    let want: string;
    if ('error' in e) {
      ok = res.error !== undefined && matches(e.error, res.error);
      want = `an error ${describeMatcher(e.error)}`;
    } else {
      ok = res.status !== undefined && matches(e.status, res.status) && (e.body === undefined || matches(e.body, res.body));
      want = `status ${describeMatcher(e.status)}${e.body !== undefined ? ` and body ${describeMatcher(e.body)}` : ''}`;
    }
    return { ok, seen, want };
  }, ctx.signal);
  const what = `GET ${spec.url} (${url}) from ${spec.from}`;
  if (!outcome.ok) throw new Error(`${what}: got ${outcome.seen}, want ${outcome.want} (after ${outcome.attempts} attempt(s))`);
  return { observed: `${what} -> ${outcome.seen}` };
}

/** An HTTP request sent from inside the cluster, by wget in a client pod. */
export const httpStep = defineStep({
  key: 'http',
  schema: HttpStep,
  run,
  summary: (step) => `GET ${step.http.url} from ${step.http.from}`,
  acts: true,
  podRefs: (step) => [{ path: '.http.from', pod: step.http.from, ...(step.http.container ? { containers: [step.http.container] } : {}) }],
});
