import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatElapsed } from '../common/progress.js';

/**
 * Progress of a running e2e.test, one line per finished spec. e2e.test POSTs its progress as
 * JSON to --progress-report-url (test/e2e/reporters/progress.go): the number of specs that will
 * run before the first, then after each passed or failed spec
 *   {"msg":"PASSED <full text>","total":64,"completed":3,"skipped":0,"failed":0}
 * ("FAILED <full text>" for a failure; skipped specs send nothing).
 */
export interface E2eProgressUpdate {
  msg?: string;
  total?: number;
  completed?: number;
  skipped?: number;
  failed?: number;
}

export class E2eProgress {
  private total: number | undefined;
  private done = 0;
  private failed = 0;
  private lastAt: number;
  private last: string | undefined;

  constructor(
    /** Catalogue case ID by spec full text, for short lines. */
    private readonly idByName: ReadonlyMap<string, string>,
    private readonly now: () => number = Date.now,
  ) {
    this.lastAt = now();
  }

  /** The line to log for this update, if it is a finished spec. */
  push(update: E2eProgressUpdate): string | undefined {
    if (update.total) this.total = update.total;
    const m = /^(PASSED|FAILED) (.*)$/s.exec(update.msg ?? '');
    if (!m) return undefined;
    const at = this.now();
    const took = formatElapsed(at - this.lastAt);
    this.lastAt = at;
    this.done = (update.completed ?? 0) + (update.failed ?? 0);
    this.failed = update.failed ?? 0;
    const name = m[2]!.trim();
    const id = this.idByName.get(name.replace(/\s+/g, ' '));
    this.last = `${id ?? 'not in the catalogue'} ${m[1]!.toLowerCase()}`;
    return `${this.last} after ${took} (${this.counts()}): ${id ? name : `${name} (not in scenarios/upstream-cases.yaml)`}`;
  }

  private lastName: string | undefined;
  private fromLog = 0;
  private failedFromLog = 0;

  /**
   * e2e.test's own verbose output, a line at a time: the spec's full text (with its label list
   * appended, "[sig-node, NodeConformance]"), then `• [62.199 seconds]` when it passed or
   * `• [FAILED] [...]` when not. The posted updates do not always come (only the first, with the
   * total, was seen on v1.35.4), so the finished specs are also counted here; whichever says more wins.
   */
  pushLogLine(line: string): string | undefined {
    if (line.startsWith('[sig-node] ')) {
      this.lastName = line.replace(/ \[[^\]]*\]$/, '').trim();
      return undefined;
    }
    const m = /^• (?:\[(FAILED|PANICKED|TIMEDOUT|INTERRUPTED)\] )?\[[\d.]+ seconds\]/.exec(line);
    if (!m || this.lastName === undefined) return undefined;
    this.fromLog += 1;
    if (m[1]) this.failedFromLog += 1;
    if (this.fromLog <= this.done) return undefined; // already said from a posted update
    this.done = this.fromLog;
    this.failed = Math.max(this.failed, this.failedFromLog);
    const at = this.now();
    const took = formatElapsed(at - this.lastAt);
    this.lastAt = at;
    const id = this.idByName.get(this.lastName.replace(/\s+/g, ' '));
    this.last = `${id ?? 'not in the catalogue'} ${m[1] ? 'failed' : 'passed'}`;
    return `${this.last} after ${took} (${this.counts()}): ${this.lastName}`;
  }

  private counts(): string {
    return `${this.done}${this.total ? ` of ${this.total}` : ''} specs done${this.failed ? `, ${this.failed} failed` : ''}`;
  }

  /** For the periodic progress lines. */
  status(): string {
    return `${this.counts()}${this.last ? ` (last: ${this.last})` : ''}`;
  }
}

/** An HTTP endpoint on 127.0.0.1 for --progress-report-url; every POSTed JSON body goes to onUpdate. */
export async function startProgressEndpoint(onUpdate: (update: E2eProgressUpdate) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      try {
        onUpdate(JSON.parse(body) as E2eProgressUpdate);
      } catch {
        /* not JSON: ignored, as e2e.test ignores our answer */
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/progress`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
