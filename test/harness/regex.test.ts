import { describe, expect, it } from '@jest/globals';
import { matches } from '../../harness/engine/expect/match.js';
import { compileRegex, regexProblem } from '../../harness/engine/expect/regex.js';

describe('matches: regex dialect', () => {
  it('is JavaScript RegExp, with leading (?i) (?s) (?m) as flags', () => {
    expect(matches({ matches: '(?i)timed OUT' }, 'Liveness probe failed: Timed out')).toBe(true);
    expect(matches({ matches: 'timed OUT' }, 'Liveness probe failed: Timed out')).toBe(false);
    expect(compileRegex('(?is)a.b').flags).toBe('is');
    expect(compileRegex('(?ii)x').flags).toBe('i');
    expect(matches({ matches: '(?s)a.b' }, 'a\nb')).toBe(true);
  });

  it('names what it cannot use', () => {
    expect(regexProblem('a(?i)b')).toMatch(/only understood at the very start/);
    expect(regexProblem('(?x)a')).toMatch(/only understood at the very start/);
    expect(regexProblem('a[')).toMatch(/^not a valid JavaScript regular expression: \/a\[\//);
    expect(regexProblem('(?:a|b)+')).toBeUndefined();
    expect(regexProblem('(?<name>a)')).toBeUndefined();
  });
});
