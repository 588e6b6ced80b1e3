import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { waitFor, type WaitProgress } from '../../common/wait.js';

/**
 * Tiny HTTP(S) probes of the control-plane daemons' health endpoints, and a wait (through
 * common/wait.ts) that gives up early when the daemon it waits for has died.
 */
export interface TlsFiles {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export interface HttpAnswer {
  status: number;
  body: string;
}

/** GET url; for https, `tls` gives the CA and client cert, or none to skip verification (self-signed health ports). */
export function httpGet(url: string, tls?: TlsFiles, timeoutMs = 3_000): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const isHttps = url.startsWith('https:');
    const options = isHttps ? { ca: tls?.ca, cert: tls?.cert, key: tls?.key, rejectUnauthorized: tls?.ca !== undefined, timeout: timeoutMs } : { timeout: timeoutMs };
    const req = (isHttps ? httpsRequest : httpRequest)(url, options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

export async function answers200(url: string, tls?: TlsFiles): Promise<boolean> {
  try {
    return (await httpGet(url, tls)).status === 200;
  } catch {
    return false;
  }
}

/**
 * Polls `ready` every `intervalMs` (default 500 ms) until it returns true (an error counts as
 * false). Throws WaitTimedOut `<what>: not ready after N s` after `timeoutMs`, or DaemonDied as
 * soon as `died` resolves (the daemon exited), even in the middle of a sleep; rejects with the
 * signal's reason when it aborts.
 */
export async function waitUntilReady(
  what: string,
  ready: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; died?: Promise<number | null>; progress?: WaitProgress; signal?: AbortSignal },
): Promise<void> {
  let exit: { code: number | null } | undefined;
  const dead = new AbortController();
  void options.died?.then((code) => {
    exit = { code };
    dead.abort(new DaemonDied(what, code));
  });
  await waitFor(
    async () => {
      if (await ready().catch(() => false)) return true;
      if (exit) throw new DaemonDied(what, exit.code);
      return false;
    },
    {
      what,
      until: 'ready',
      timeoutMs: options.timeoutMs,
      intervalMs: options.intervalMs ?? 500,
      signal: options.signal ? AbortSignal.any([options.signal, dead.signal]) : dead.signal,
      ...(options.progress ? { progress: options.progress } : {}),
    },
  );
}

export class DaemonDied extends Error {
  constructor(
    readonly what: string,
    readonly exitCode: number | null,
  ) {
    super(`${what}: the process exited (code ${exitCode})`);
  }
}
