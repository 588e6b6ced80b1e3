import { execa } from 'execa';
import { SetupError } from '../../common/errors.js';

/**
 * Runs a CLI to completion. The child gets its own process group so that a timeout or
 * Ctrl-C stops its grandchildren too (execa alone signals only the direct child).
 */
export interface RunOptions {
  timeoutMs?: number;
  input?: string | Buffer;
  env?: Record<string, string>;
  cwd?: string;
  /** Called for each line of combined output, e.g. to show progress. */
  onLine?: (line: string) => void;
  /** When false, a non-zero exit resolves instead of throwing. */
  reject?: boolean;
  /** Keep stdout's last newline (a file's content read with cat); default: stripped. */
  keepFinalNewline?: boolean;
  /** Stops the command's process group when aborted (SIGTERM, SIGKILL 5 s later); the run then resolves or throws as the exit says. */
  signal?: AbortSignal;
  /** Called with the child's pid (= its process group id) once it is started. */
  onStart?: (pid: number) => void;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

const liveGroups = new Set<number>();

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

export async function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const child = execa(file, args, {
    detached: true,
    all: true,
    reject: false,
    maxBuffer: 256 * 1024 * 1024,
    stripFinalNewline: !options.keepFinalNewline,
    input: options.input,
    env: options.env,
    cwd: options.cwd,
    stdin: options.input === undefined ? 'ignore' : 'pipe',
  });
  const pid = child.pid;
  if (pid !== undefined) liveGroups.add(pid);
  if (pid !== undefined) options.onStart?.(pid);
  let timedOut = false;
  const stop = () => {
    if (pid !== undefined) {
      killGroup(pid, 'SIGTERM');
      setTimeout(() => killGroup(pid, 'SIGKILL'), 5_000).unref();
    }
  };
  const timer = options.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        stop();
      }, options.timeoutMs)
    : undefined;
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  if (options.onLine && child.all) {
    let buffer = '';
    child.all.setEncoding('utf8');
    child.all.on('data', (chunk: string) => {
      buffer += chunk;
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        options.onLine!(buffer.slice(0, i));
        buffer = buffer.slice(i + 1);
      }
    });
  }
  try {
    const result = await child;
    const out = { stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? ''), exitCode: result.exitCode ?? -1 };
    const command = [file, ...args].join(' ');
    if (timedOut) throw new Error(`${command} timed out after ${options.timeoutMs} ms`);
    if (result.exitCode === undefined && (result as { code?: string }).code === 'ENOENT') {
      throw new SetupError(`command not found: ${file}`, `install it (see README "Install") or put it on PATH`);
    }
    if (options.reject !== false && out.exitCode !== 0) {
      const tail = (out.stderr || out.stdout).trim().split('\n').slice(-15).join('\n');
      throw new CommandError(command, out.exitCode, tail, out);
    }
    return out;
  } finally {
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener('abort', stop);
    if (pid !== undefined) liveGroups.delete(pid);
  }
}

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number,
    readonly tail: string,
    readonly result: RunResult,
  ) {
    super(`${command} exited ${exitCode}${tail ? `:\n${tail}` : ''}`);
    this.name = 'CommandError';
  }
}

/** Whether an executable is on PATH. */
export async function which(file: string): Promise<string | undefined> {
  const r = await run('sh', ['-c', `command -v "$1"`, 'sh', file], { reject: false });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/** Stops every command still running (used on Ctrl-C and process exit). */
export function killAllRunning(signal: NodeJS.Signals = 'SIGTERM'): void {
  for (const pid of liveGroups) killGroup(pid, signal);
}

/**
 * Aborted on Ctrl-C (interruptWork): the long setup work (builds, debootstrap: runWithProgress)
 * then starts nothing new. A build step that follows one killed by the interrupt (go build after
 * go list) would otherwise start after the kill and outlive the run. Teardown commands use run()
 * without it.
 */
const work = new AbortController();
export const workSignal: AbortSignal = work.signal;

/** Ctrl-C: no further setup work, and every running command stopped. */
export function interruptWork(): void {
  work.abort(new Error('interrupted'));
  killAllRunning();
}
