import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Tiny HTTP(S) probes of the control-plane daemons' health endpoints, and a poll loop that
 * gives up early when the daemon it waits for has died.
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

export class GaveUp extends Error {}

/**
 * Polls `ready` every `intervalMs` until it returns true; throws GaveUp with `describe()` after
 * `timeoutMs`, or as soon as `died` resolves (the daemon exited).
 */
export async function waitFor(
  what: string,
  ready: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; died?: Promise<number | null> },
): Promise<void> {
  let exitCode: number | null | undefined;
  let exited = false;
  void options.died?.then((code) => {
    exited = true;
    exitCode = code;
  });
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (exited) throw new DaemonDied(what, exitCode ?? null);
    if (await ready().catch(() => false)) return;
    if (exited) throw new DaemonDied(what, exitCode ?? null);
    if (Date.now() > deadline) throw new GaveUp(`${what}: not ready after ${Math.round(options.timeoutMs / 1000)} s`);
    await delay(options.intervalMs ?? 500);
  }
}

export class DaemonDied extends Error {
  constructor(
    readonly what: string,
    readonly exitCode: number | null,
  ) {
    super(`${what}: the process exited (code ${exitCode})`);
  }
}
