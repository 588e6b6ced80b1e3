import { clip } from '../../common/progress.js';
import { run } from '../process/run.js';

/** Small helpers around the docker CLI shared by the image and engine modules and the preflight. */

/** The engine Docker talks to when DOCKER_HOST is unset: the local one, which the suite can start. */
export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

/**
 * Whether `docker info --format '{{.ServerVersion}}...'` reached a server: it can exit 0 with a
 * warning and no server part, so a server version is required.
 */
export function serverAnswered(exitCode: number, serverVersion: string): boolean {
  return exitCode === 0 && serverVersion !== '' && !serverVersion.includes('<no value>');
}

/** The last non-empty line of a command's output (the reason it gives). */
export function lastLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? '';
}

/** Whether the local Docker engine has an image with this reference. */
export async function dockerImageExists(ref: string): Promise<boolean> {
  const r = await run('docker', ['image', 'inspect', '--format', '{{.Id}}', ref], { reject: false, timeoutMs: 60_000 });
  return r.exitCode === 0;
}

/** Keeps the last `size` lines of a stream of lines (for error messages). */
export class LineTail {
  private readonly lines: string[] = [];
  constructor(private readonly size = 30) {}
  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.size) this.lines.shift();
  }
  text(last = this.size): string {
    return this.lines.slice(-last).join('\n');
  }
}

/**
 * How far a `docker build` is, from its output: the last step line (`Step 2/3 : RUN ...` from the
 * legacy builder, `#6 [2/3] RUN ...` from BuildKit's plain progress) and the latest output line
 * under it (apt's `Get:12 ...`, `Setting up nodejs ...`, a layer download).
 */
export class DockerBuildProgress {
  private step: string | undefined;
  private latest: string | undefined;

  push(line: string): void {
    const text = line.trim();
    if (text === '') return;
    const legacy = /^Step (\d+\/\d+) : (.*)$/.exec(text);
    const buildkit = /^#\d+ \[(?:[^\]]*\s)?(\d+\/\d+)\] (.*)$/.exec(text);
    const step = legacy ?? buildkit;
    if (step) {
      this.step = `step ${step[1]}: ${clip(step[2]!, 70)}`;
      this.latest = undefined;
      return;
    }
    // BuildKit prefixes lines with `#<n> ` and output with its seconds; bookkeeping (`#6 DONE 1.2s`,
    // `#1 [internal] load .dockerignore`, ` ---> 3f2a`, `Removing intermediate container`) is not news.
    const output = text.replace(/^#\d+ (?:\d+(?:\.\d+)? )?/, '');
    if (output === '' || /^(DONE|CACHED)\b|^\[internal\]|^--->|^Removing intermediate container/.test(output)) return;
    this.latest = clip(output, 80);
  }

  status(): string | undefined {
    if (!this.step) return this.latest ? `latest: ${this.latest}` : undefined;
    return this.latest ? `${this.step} (latest: ${this.latest})` : this.step;
  }
}

