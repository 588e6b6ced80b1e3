import type { Condition } from '../scenario/schema-parts.js';
import type { PodRef } from './define.js';

/** What the expect and holds steps share: their conditions, one or a list. */

export const asList = (c: Condition | Condition[]) => (Array.isArray(c) ? c : [c]);

/** The pods and containers that conditions under `field` name. */
export function conditionPodRefs(c: Condition | Condition[], field: string): PodRef[] {
  const at = (j: number) => `.${field}${Array.isArray(c) ? `[${j}]` : ''}`;
  return asList(c).flatMap((x, j): PodRef[] => {
    if ('event' in x) return x.event.pod ? [{ path: `${at(j)}.event.pod`, pod: x.event.pod, ...(x.event.container ? { containers: [x.event.container] } : {}) }] : [];
    if ('endpoint' in x) return [{ path: `${at(j)}.endpoint.pod`, pod: x.endpoint.pod }];
    return [{ path: `${at(j)}.pod`, pod: x.pod, containers: Object.keys(x.containers ?? {}) }];
  });
}

/** A short phrase for the conditions, for the console's progress lines. */
export function describeConditions(c: Condition | Condition[]): string {
  return asList(c)
    .map((x) => {
      if ('event' in x) return `event ${typeof x.event.reason === 'string' ? x.event.reason : 'matching'}${x.event.pod ? ` on ${x.event.pod}` : ''}`;
      if ('endpoint' in x) return `endpoint of ${x.endpoint.pod} in ${x.endpoint.service}`;
      return `pod ${x.pod}`;
    })
    .join(', ');
}

const CONDITION_KINDS = ['pod', 'event', 'endpoint'] as const;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Conditions (under `field` of a step as written) that are not exactly one kind, said plainly
 * (zod's union error would name the last branch only, e.g. "endpoint: expected object").
 */
export function conditionKindProblems(raw: Record<string, unknown>, field: string, at: string): [string, string][] {
  const value = raw[field];
  const list = Array.isArray(value) ? value : [value];
  const out: [string, string][] = [];
  list.forEach((c, j) => {
    if (!isObject(c)) return;
    const path = `${at}.${field}${Array.isArray(value) ? `[${j}]` : ''}`;
    const kinds = CONDITION_KINDS.filter((k) => k in c);
    if (kinds.length > 1) out.push([path, `a condition is one of pod, event, endpoint; this one has ${kinds.join(' and ')} (make it a list of ${kinds.length} conditions)`]);
    if (kinds.length === 0) out.push([path, `a condition is one of pod, event, endpoint; this one has none of them (fields: ${Object.keys(c).join(', ') || 'none'})`]);
  });
  return out;
}
