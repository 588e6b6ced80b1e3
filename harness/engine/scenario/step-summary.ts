import type { Condition, Step } from './schema.js';

/** A short phrase for what a step waits for, for the console's progress lines. */
export function waitSummary(step: Step): string {
  if ('expect' in step) return `${conditions(step.expect)}${step.between ? ` (timed, since ${step.since})` : ''}`;
  if ('holds' in step) return `${conditions(step.holds)} to keep holding for ${step.for}`;
  if ('exec' in step) return `exec in ${step.exec.pod}: ${step.exec.command.join(' ')}`;
  if ('http' in step) return `GET ${step.http.url} from ${step.http.from}`;
  if ('nodeFile' in step) return `node file ${step.nodeFile.path}`;
  if ('node' in step) return `the node of ${step.node.of} to ${step.node.action}`;
  if ('logs' in step) return `logs of ${step.logs.pod}${step.logs.previous ? ' (previous)' : ''}`;
  if ('delete' in step) return `${step.delete.kind}/${step.delete.name} to be gone`;
  return 'the API server';
}

function conditions(c: Condition | Condition[]): string {
  const list = Array.isArray(c) ? c : [c];
  return list
    .map((x) => {
      if ('event' in x) return `event ${typeof x.event.reason === 'string' ? x.event.reason : 'matching'}${x.event.pod ? ` on ${x.event.pod}` : ''}`;
      if ('endpoint' in x) return `endpoint of ${x.endpoint.pod} in ${x.endpoint.service}`;
      return `pod ${x.pod}`;
    })
    .join(', ');
}
