import { describe, expect, test } from '@jest/globals';
import { checkTimeExpr, evaluateTime, parseDuration } from '../../harness/engine/scenario/time-expr.js';

describe('time expressions', () => {
  test('durations', () => {
    expect(parseDuration('500ms')).toBe(0.5);
    expect(parseDuration('30s')).toBe(30);
    expect(parseDuration('2m')).toBe(120);
    expect(() => parseDuration('30')).toThrow(/not a duration/);
  });

  test('arithmetic with probe fields, precedence and parentheses', () => {
    const lookup = (probe: string, container: string, field: string) => {
      expect([probe, container]).toEqual(['liveness', 'shell-probe']);
      return ({ periodSeconds: 5, failureThreshold: 3 } as Record<string, number>)[field]!;
    };
    expect(evaluateTime('30s + liveness[shell-probe].periodSeconds * (liveness[shell-probe].failureThreshold - 1)', lookup)).toBe(40);
    expect(evaluateTime('2 * 3s + 1m', lookup)).toBe(66);
  });

  test('errors name the problem', () => {
    expect(checkTimeExpr('30s +')).toMatch(/malformed/);
    expect(checkTimeExpr('liveness[x].period')).toMatch(/unknown probe field "period"/);
    expect(checkTimeExpr('ten seconds')).toMatch(/cannot read "ten seconds"/);
    expect(checkTimeExpr('liveness[x].periodSeconds * 2')).toBeUndefined();
  });
});
