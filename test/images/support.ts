// Shared helpers of the demo-image contract tests. Not a test file itself.
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { StartedTestContainer } from 'testcontainers';
import { afterAll, beforeAll, describe } from '@jest/globals';
import { readConfig } from '../../harness/run/config.js';
import { chooseForThisMachine } from '../../harness/cluster/registry-choice.js';
import { ensureDockerEngine } from '../../harness/cluster/docker/engine.js';
import { buildDemoImages, listDemoImages } from '../../harness/cluster/images/build.js';
import { dockerUnavailable as dockerUnavailableIn } from '../../harness/run/run-handle.js';
import { run } from '../../harness/cluster/process/run.js';
import { waitFor } from '../../harness/common/wait.js';

// No registry here: Ryuk and the gateway-detection helper image would be pulled (see
// /work/shared/notes/typescript-stack.md §4). Read lazily by testcontainers, so setting them here works.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
process.env.TESTCONTAINERS_HOST_OVERRIDE ??= 'localhost';

/**
 * `describe` for tests that need a Docker engine, or `describe.skip` when the run's global setup
 * found none: that is reported once there ("cluster setup"), not again by every image test.
 */
const dockerUnavailable = () => dockerUnavailableIn(readConfig().reportsDir);
export const describeWithDocker = dockerUnavailable() ? describe.skip : describe;

/** Cold offline base images take a few minutes on a busy 2-core machine. */
export const BUILD_TIMEOUT_MS = 20 * 60_000;

const log = (line: string) => process.stderr.write(`[images] ${line}\n`);

/** Builds the named demo images (config.imageBases: offline with the local provider); folder -> ref. */
export async function buildForTest(...folders: string[]): Promise<Record<string, string>> {
  const config = await chooseForThisMachine(readConfig(), log);
  await ensureDockerEngine(log, config);
  const refs = await buildDemoImages({ baseMode: config.imageBases, debianMirror: config.debianMirror, cacheDir: config.cacheDir, repoRoot: config.repoRoot, log, only: folders });
  const byFolder: Record<string, string> = {};
  for (const image of listDemoImages(config.repoRoot)) if (refs.includes(image.ref)) byFolder[image.folder] = image.ref;
  for (const f of folders) if (!byFolder[f]) throw new Error(`image ${f} was not built`);
  return byFolder;
}

/** Containers started by a test file; stopped (and removed) in afterAll even if a test failed. */
export class ContainerSet {
  private readonly containers: StartedTestContainer[] = [];
  add<T extends StartedTestContainer>(c: T): T {
    this.containers.push(c);
    return c;
  }
  async stopAll(): Promise<void> {
    const all = this.containers.splice(0);
    // Containers sharing another's network namespace first.
    for (const c of all.reverse()) {
      await c.stop({ timeout: 1_000 }).catch(async () => {
        await run('docker', ['rm', '-f', c.getId()], { reject: false });
      });
    }
  }
}

export interface HttpResult {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
  /** https: the server's certificate (not verified). */
  peerCertificate?: PeerCertificate;
}

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

/**
 * One request on a fresh connection (no keep-alive, so every call is one request to the server).
 * https URLs are not verified (the demo images' certificates are self-signed), like a kubelet's HTTPS probe.
 */
export function httpRequest(url: string, options: HttpRequestOptions = {}): Promise<HttpResult> {
  const { method = 'GET', headers = {}, body: payload, timeoutMs = 5_000 } = options;
  const tls = url.startsWith('https:');
  const send = tls ? httpsRequest : request;
  return new Promise((resolve, reject) => {
    const req = send(url, { method, headers, agent: false, timeout: timeoutMs, ...(tls ? { rejectUnauthorized: false } : {}) }, (res) => {
      const peerCertificate = tls ? (res.socket as TLSSocket).getPeerCertificate() : undefined;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers, ...(peerCertificate ? { peerCertificate } : {}) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** One GET on a fresh connection (see httpRequest). */
export function httpGet(url: string, headers: Record<string, string> = {}, timeoutMs = 5_000): Promise<HttpResult> {
  return httpRequest(url, { headers, timeoutMs });
}

/** GETs until the server answers (any status), for containers whose wait strategy cannot see their port. */
export async function waitForHttp(url: string, timeoutMs = 30_000): Promise<HttpResult> {
  return await waitFor(() => httpGet(url, {}, 2_000), {
    what: `GET ${url}`,
    until: 'answered',
    timeoutMs,
    intervalMs: 250,
    retryOn: () => true,
    onTimeout: (last) => `no HTTP answer from ${url} within ${timeoutMs} ms: ${last.lastError instanceof Error ? last.lastError.message : 'none'}`,
  });
}

/** Waits for a container to end and returns its exit code (docker wait). */
export async function waitForExit(c: StartedTestContainer, timeoutMs = 20_000): Promise<number> {
  const r = await run('docker', ['wait', c.getId()], { timeoutMs });
  return Number(r.stdout.trim());
}

export async function containerState(c: StartedTestContainer): Promise<{ running: boolean; exitCode: number }> {
  const r = await run('docker', ['inspect', '--format', '{{.State.Running}} {{.State.ExitCode}}', c.getId()]);
  const [running, code] = r.stdout.trim().split(' ');
  return { running: running === 'true', exitCode: Number(code) };
}

/** The container's whole log (stdout and stderr) as text. */
export async function logsOf(c: StartedTestContainer): Promise<string> {
  const r = await run('docker', ['logs', c.getId()], { timeoutMs: 30_000 });
  return `${r.stdout}${r.stderr}`;
}

/** Polls until fn() returns true. */
export async function eventually(what: string, fn: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  await waitFor(fn, { what, until: 'true', timeoutMs, intervalMs: 250 });
}

/**
 * The image of one images/ folder, built before a test file's tests, with the containers those
 * tests start, stopped after them.
 */
export function imageUnderTest(folder: string): { image: string; containers: ContainerSet } {
  const fixture = { image: '', containers: new ContainerSet() };
  beforeAll(async () => {
    if (dockerUnavailable()) return;
    fixture.image = (await buildForTest(folder))[folder]!;
  }, BUILD_TIMEOUT_MS);
  afterAll(() => fixture.containers.stopAll(), 60_000);
  return fixture;
}
