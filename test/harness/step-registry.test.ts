import { describe, expect, it } from '@jest/globals';
import { Step } from '../../harness/engine/scenario/schema.js';
import { definitionOfStep, STEP_DEFINITIONS, stepDefinitionOf } from '../../harness/engine/steps/registry.js';

const keys = (pick: (d: (typeof STEP_DEFINITIONS)[number]) => boolean | undefined) => STEP_DEFINITIONS.filter(pick).map((d) => d.key);

describe('step registry', () => {
  it('lists each kind once, and each schema has its key as a field', () => {
    expect(new Set(keys(() => true)).size).toBe(STEP_DEFINITIONS.length);
    for (const d of STEP_DEFINITIONS) expect(Object.keys(d.schema.shape)).toContain(d.key);
  });

  it('the schema union parses a step into the kind its key names', () => {
    const parsed = Step.parse({ exec: { pod: 'p', command: ['true'] } });
    expect(definitionOfStep(parsed)?.key).toBe('exec');
    expect(definitionOfStep(Step.parse({ nodeFile: { pod: 'p', path: '/tmp/${NAMESPACE}', expect: { exists: false } } }))?.key).toBe('nodeFile');
    expect(definitionOfStep({ bogus: 1 })).toBeUndefined();
    expect(stepDefinitionOf('holds')?.key).toBe('holds');
  });

  it('flags: who acts on the cluster, who disrupts it, whose pass is no evidence', () => {
    expect(keys((d) => d.acts)).toEqual(['apply', 'delete', 'exec', 'http', 'node', 'restart']);
    expect(keys((d) => d.disruptsCluster)).toEqual(['node', 'restart']);
    expect(keys((d) => d.passedIsEvidence === false)).toEqual(['apply']);
  });

  it('every kind summarises what it waits for', () => {
    const summary = (raw: object) => definitionOfStep(raw)!.summary(Step.parse(raw) as never);
    expect(summary({ expect: [{ pod: 'p' }, { event: { reason: 'Unhealthy', pod: 'p' } }], since: 'x', between: ['1s', '2s'] })).toBe('pod p, event Unhealthy on p (timed, since x)');
    expect(summary({ holds: { endpoint: { service: 's', pod: 'p' } }, for: '5s' })).toBe('endpoint of p in s to keep holding for 5s');
    expect(summary({ delete: { name: 'p' } })).toBe('Pod/p to be gone');
    expect(summary({ node: { of: 'p', action: 'stop' } })).toBe('the node of p to stop');
  });
});
