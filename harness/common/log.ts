/** A sink for progress lines; the console in a run, an array in tests. */
export type Log = (line: string) => void;

export function consoleLog(prefix: string): Log {
  return (line) => process.stderr.write(`[${prefix}] ${line}\n`);
}
