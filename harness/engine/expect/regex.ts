/**
 * The regex dialect of `{matches: ...}`: JavaScript's (ECMAScript, as `new RegExp(source)`), with
 * one addition people bring from Go, Python and PCRE: leading inline flags `(?i)`, `(?s)`, `(?m)`
 * (or together, `(?is)`) become the RegExp flags i, s, m. Inline flags anywhere else, and other
 * flags, are refused when the scenario loads, with this explanation.
 */
const LEADING_FLAGS = /^\(\?([ims]+)\)/;

export function compileRegex(source: string): RegExp {
  const lead = LEADING_FLAGS.exec(source);
  const body = lead ? source.slice(lead[0].length) : source;
  const flags = lead ? [...new Set(lead[1]!)].join('') : '';
  if (/\(\?[a-zA-Z-]+[):]/.test(body)) {
    throw new SyntaxError(`inline flags such as (?i) are only understood at the very start of the pattern (as (?i), (?s), (?m)); this one has them inside: /${source}/`);
  }
  try {
    return new RegExp(body, flags);
  } catch (e) {
    throw new SyntaxError(`not a valid JavaScript regular expression: /${source}/ (${(e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '')})`);
  }
}

/** Why `source` cannot be used as a `matches:` pattern, or undefined. */
export function regexProblem(source: string): string | undefined {
  try {
    compileRegex(source);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
