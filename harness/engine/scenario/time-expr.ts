/**
 * Durations ("500ms", "30s", "2m") and time-bound expressions over them and the live pod's
 * probe settings, e.g. "liveness[web].initialDelaySeconds + liveness[web].periodSeconds * 3 + 5s"
 * (`liveness[pod/container]` when several pods have a container of that name).
 * Every value is in seconds; a bare number is a count (or seconds).
 */
export type ProbeLookup = (probe: string, container: string, field: string) => number;

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a duration (use e.g. 500ms, 30s, 2m)`);
  return Number(m[1]) * UNIT_SECONDS[m[2]!]!;
}

type Token = { kind: 'num'; value: number } | { kind: 'op'; value: '+' | '-' | '*' | '(' | ')' };

const PROBE_FIELDS = ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold', 'successThreshold', 'terminationGracePeriodSeconds'];

function tokenize(text: string, lookup?: ProbeLookup): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(\d+(?:\.\d+)?(?:ms|s|m|h)?)|(liveness|readiness|startup)\[([a-z0-9.-]+(?:\/[a-z0-9.-]+)?)\]\.([A-Za-z]+)|([-+*()]))/y;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) throw new Error(`cannot read "${text.slice(pos).trim()}" in time expression "${text}"`);
    pos = re.lastIndex;
    if (m[1] !== undefined) {
      tokens.push({ kind: 'num', value: /[a-z]$/.test(m[1]) ? parseDuration(m[1]) : Number(m[1]) });
    } else if (m[2] !== undefined) {
      if (!PROBE_FIELDS.includes(m[4]!)) throw new Error(`unknown probe field "${m[4]}" in "${text}" (use one of ${PROBE_FIELDS.join(', ')})`);
      if (!lookup) throw new Error(`"${text}" refers to a probe, but no pod is known here`);
      tokens.push({ kind: 'num', value: lookup(m[2], m[3]!, m[4]!) });
    } else {
      tokens.push({ kind: 'op', value: m[5] as '+' });
    }
  }
  return tokens;
}

/** Evaluates a time expression to seconds. */
export function evaluateTime(text: string, lookup?: ProbeLookup): number {
  const tokens = tokenize(text, lookup);
  let i = 0;
  const peek = () => tokens[i];
  const fail = (): never => {
    throw new Error(`malformed time expression "${text}"`);
  };
  const factor = (): number => {
    const t = tokens[i++] ?? fail();
    if (t.kind === 'num') return t.value;
    if (t.value === '(') {
      const v = sum();
      const close = tokens[i++];
      if (!close || close.kind !== 'op' || close.value !== ')') fail();
      return v;
    }
    if (t.value === '-') return -factor();
    return fail();
  };
  const product = (): number => {
    let v = factor();
    for (let t = peek(); t && t.kind === 'op' && t.value === '*'; t = peek()) {
      i++;
      v *= factor();
    }
    return v;
  };
  const sum = (): number => {
    let v = product();
    for (let t = peek(); t && t.kind === 'op' && (t.value === '+' || t.value === '-'); t = peek()) {
      i++;
      v = t.value === '+' ? v + product() : v - product();
    }
    return v;
  };
  const value = sum();
  if (i !== tokens.length) fail();
  return value;
}

/** Every time expression is checked at load time with placeholder probe values. */
export function checkTimeExpr(text: string): string | undefined {
  try {
    evaluateTime(text, () => 1);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
