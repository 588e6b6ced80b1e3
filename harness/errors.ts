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
