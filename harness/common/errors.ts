/**
 * An error a user can act on: one line naming the cause and one naming the fix.
 * Anything the harness expects a newcomer to hit (no Docker, not root, a port in use,
 * an invalid scenario file) is thrown as a SetupError so it prints without a stack trace.
 */
export class SetupError extends Error {
  constructor(
    readonly cause_: string,
    readonly fix: string,
    options?: { cause?: unknown },
  ) {
    super(`${cause_}\n  fix: ${fix}`, options);
    this.name = 'SetupError';
  }
}

/** Formats any error for a console line; SetupErrors without their stack. */
export function describeError(err: unknown): string {
  if (err instanceof SetupError) return `probe-conformance: ${err.message}`;
  if (err instanceof Error) return err.stack ?? err.message;
  return String(err);
}

/**
 * The message of anything thrown or passed to a reject: an Error's message, an event-like object's
 * `message` (a WebSocket ErrorEvent is not an Error), else its JSON; never "[object Object]".
 */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'object' && e !== null) {
    const { message, type } = e as { message?: unknown; type?: unknown };
    if (typeof message === 'string' && message) return typeof type === 'string' && type ? `${type}: ${message}` : message;
    try {
      const json = JSON.stringify(e);
      if (json && json !== '{}') return json;
    } catch {
      // circular: fall through
    }
    return `${Object.prototype.toString.call(e)} without a message`;
  }
  return String(e);
}

/** Something a machine lacks before a run can start: what is wrong, and the command that fixes it. */
export interface Problem {
  what: string;
  fix: string;
}

/** `preflight (local provider): 2 problems`, then `  - <what>` / `    fix: <fix>` per problem. */
export function formatProblems(subject: string, problems: readonly Problem[]): string {
  return [preflightHeader(subject, problems.length), ...problems.map((p) => `  - ${p.what}\n    fix: ${p.fix}`)].join('\n');
}

function preflightHeader(subject: string, count: number): string {
  return `preflight (${subject}): ${count === 0 ? 'no problems' : count === 1 ? '1 problem' : `${count} problems`}`;
}

/**
 * Every problem the preflight found, in one error: describeError prints them all, and the first
 * three lines of its message are the header, the first problem and its fix.
 */
export class PreflightError extends SetupError {
  readonly problems: readonly Problem[];

  /** `subject` names what was checked, e.g. "local provider". */
  constructor(
    problems: readonly Problem[],
    readonly subject: string,
  ) {
    // cause_ and fix on one line each (for reports that keep only those); the message has them all.
    super(`${preflightHeader(subject, problems.length)}: ${problems.map((p) => p.what).join('; ')}`, [...new Set(problems.map((p) => p.fix))].join('; '));
    this.message = formatProblems(subject, problems);
    this.problems = problems;
    this.name = 'PreflightError';
  }
}
