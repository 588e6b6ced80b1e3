import { run } from '../process/run.js';

/** Small helpers around the docker CLI shared by the image and engine modules. */

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
