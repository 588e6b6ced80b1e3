import type { Matcher } from '../scenario/schema.js';
import { compileRegex } from './regex.js';

/** Whether an observed value satisfies a matcher (literal, gte/lte/gt, oneOf, matches, contains). */
export function matches(matcher: Matcher, actual: unknown): boolean {
  if (matcher === null || typeof matcher !== 'object') {
    if (typeof matcher === 'string' && typeof actual !== 'string' && actual !== undefined && actual !== null) return matcher === String(actual);
    return matcher === actual;
  }
  if ('gte' in matcher) return typeof actual === 'number' && actual >= matcher.gte;
  if ('lte' in matcher) return typeof actual === 'number' && actual <= matcher.lte;
  if ('gt' in matcher) return typeof actual === 'number' && actual > matcher.gt;
  if ('oneOf' in matcher) return matcher.oneOf.some((m) => matches(m, actual));
  if ('matches' in matcher) return typeof actual === 'string' && compileRegex(matcher.matches).test(actual);
  if ('contains' in matcher) return typeof actual === 'string' && actual.includes(matcher.contains);
  return false;
}

export function describeMatcher(matcher: Matcher): string {
  if (matcher === null || typeof matcher !== 'object') return JSON.stringify(matcher);
  if ('gte' in matcher) return `>= ${matcher.gte}`;
  if ('lte' in matcher) return `<= ${matcher.lte}`;
  if ('gt' in matcher) return `> ${matcher.gt}`;
  if ('oneOf' in matcher) return `one of ${JSON.stringify(matcher.oneOf)}`;
  if ('matches' in matcher) return `matching /${matcher.matches}/`;
  return `containing ${JSON.stringify(matcher.contains)}`;
}
