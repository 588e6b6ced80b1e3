// Contract of images/node-server (see its Dockerfile): count mode, time mode, header and path
// gates, request log lines, SIGTERM handling, and the listeners and paths of the upstream e2e
// cases: gRPC health, HTTPS, extra ports, /redirect, /delay, /record + /calls. Runs the real image
// with testcontainers; the gRPC calls go through an independent client (@grpc/grpc-js).
import { expect, test } from '@jest/globals';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, credentials, status as grpcCode, type ServiceError } from '@grpc/grpc-js';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { run } from '../../harness/cluster/process/run.js';
import { containerState, httpGet, httpRequest, imageUnderTest, logsOf, waitForExit, describeWithDocker } from './support.js';

const demo = imageUnderTest('node-server');
const { containers } = demo;

/** Starts the image; `port` is the main port (PORT), `more` the other ports to publish. */
async function start(env: Record<string, string>, port = 8080, more: number[] = []): Promise<{ c: StartedTestContainer; url: string }> {
  const c = containers.add(
    await new GenericContainer(demo.image)
      .withEnvironment(env)
      .withExposedPorts(port, ...more)
      .withWaitStrategy(Wait.forLogMessage(`http server started on ${port}`))
      .withStartupTimeout(60_000)
      .start(),
  );
  return { c, url: `http://${c.getHost()}:${c.getMappedPort(port)}` };
}

async function statuses(url: string, n: number, headers: Record<string, string> = {}): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await httpGet(url, headers)).status);
  return out;
}

const CHECK = '/grpc.health.v1.Health/Check';
const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING'] as const;

/** HealthCheckRequest { string service = 1; } by hand (names under 128 bytes: one-byte length). */
function encodeHealthCheckRequest(service: string): Buffer {
  const name = Buffer.from(service, 'utf8');
  return name.length === 0 ? Buffer.alloc(0) : Buffer.concat([Buffer.from([0x0a, name.length]), name]);
}

/** HealthCheckResponse { ServingStatus status = 1; }: field 1 as a one-byte varint, absent = UNKNOWN. */
function decodeHealthCheckResponse(message: Buffer): string {
  return SERVING_STATUS[message.length >= 2 && message[0] === 0x08 ? message[1]! : 0] ?? `status ${message[1]}`;
}

/**
 * One unary gRPC health call with a fresh insecure (h2c) client, as the kubelet's prober makes
 * (grpc-go, insecure credentials, user agent kube-probe/<version>): the serving status, or
 * `code <n>: <details>` for a gRPC error.
 */
async function grpcHealth(address: string, service: string, method = CHECK): Promise<string> {
  const client = new Client(address, credentials.createInsecure(), { 'grpc.primary_user_agent': 'kube-probe/1.35' });
  try {
    return await new Promise<string>((resolve, reject) => {
      client.makeUnaryRequest(method, encodeHealthCheckRequest, decodeHealthCheckResponse, service, { deadline: Date.now() + 5_000 }, (err: ServiceError | null, status?: string) => {
        if (!err) resolve(status ?? 'no response');
        else if (err.code === grpcCode.DEADLINE_EXCEEDED || err.code === grpcCode.UNAVAILABLE) reject(err); // no answer at all
        else resolve(`code ${err.code}: ${err.details}`);
      });
    });
  } finally {
    client.close();
  }
}

describeWithDocker('node-server', () => {
  test('count mode (default, article 003): requests 1-5 get 200, from the 6th on 500', async () => {
    const { c, url } = await start({});
    expect(await statuses(`${url}/`, 5)).toEqual([200, 200, 200, 200, 200]);
    const sixth = await httpGet(`${url}/`);
    expect(sixth.status).toBe(500);
    expect(sixth.body).toMatch(/^failing: request 6 /);
    expect((await httpGet(`${url}/`)).status).toBe(500);

    const logs = await logsOf(c);
    expect(logs).toMatch(/^http server started on 8080 \(fail after 5 requests, for every request;/m);
    expect(logs).toMatch(/ request=5 counted=5 method=GET path="\/" status=200 from=\S+ ua=""/);
    expect(logs).toMatch(/ request=6 counted=6 method=GET path="\/" status=500 /);
    expect(logs.match(/ request=\d+ /g)).toHaveLength(7);
  }, 90_000);

  test('time mode: 200 during the first FAIL_AFTER_SECONDS, 500 after, whatever the count', async () => {
    const { url } = await start({ FAIL_AFTER_SECONDS: '4' });
    const ready = Date.now();
    // Count mode is off when only FAIL_AFTER_SECONDS is set: more than 5 requests still succeed.
    expect(await statuses(`${url}/`, 8)).toEqual(Array(8).fill(200));
    await delay(Math.max(0, ready + 4_500 - Date.now()));
    const late = await httpGet(`${url}/`);
    expect(late.status).toBe(500);
    expect(late.body).toContain('> FAIL_AFTER_SECONDS=4');
  }, 90_000);

  test('header and path gate (article 000): only /liveness with "source: probe" fails after the window', async () => {
    const { c, url } = await start(
      { PORT: '3000', FAIL_AFTER_SECONDS: '3', FAIL_ONLY_WITH_HEADER: 'source: probe', FAIL_PATH: '/liveness' },
      3000,
    );
    const ready = Date.now();
    const probe = { source: 'probe' };
    expect((await httpGet(`${url}/liveness`, probe)).status).toBe(200);
    expect((await httpGet(`${url}/liveness`)).status).toBe(200);
    await delay(Math.max(0, ready + 3_500 - Date.now()));
    expect((await httpGet(`${url}/liveness`, probe)).status).toBe(500);
    expect((await httpGet(`${url}/liveness`, probe)).status).toBe(500);
    // Without the header, with another value, or on another path: always 200.
    expect(await statuses(`${url}/liveness`, 3)).toEqual([200, 200, 200]);
    expect((await httpGet(`${url}/liveness`, { source: 'browser' })).status).toBe(200);
    expect((await httpGet(`${url}/`, probe)).status).toBe(200);
    expect((await httpGet(`${url}/liveness?x=1`, probe)).status).toBe(500);

    const logs = await logsOf(c);
    expect(logs).toMatch(/^http server started on 3000 \(fail after 3 s, only for requests with header "source: probe", only on path \/liveness;/m);
    expect(logs).toMatch(/ request=1 counted=1 method=GET path="\/liveness" source="probe" status=200 /);
    expect(logs).toMatch(/ request=2 counted=- method=GET path="\/liveness" source=- status=200 /);
    expect(logs).toMatch(/ request=3 counted=2 method=GET path="\/liveness" source="probe" status=500 /);
    expect(logs).toMatch(/ counted=- method=GET path="\/liveness" source="browser" status=200 /);
  }, 90_000);

  test('header gate in count mode: only requests with the header are counted', async () => {
    const { url } = await start({ FAIL_AFTER_REQUESTS: '2', FAIL_ONLY_WITH_HEADER: 'Source: probe' });
    expect(await statuses(`${url}/`, 6)).toEqual(Array(6).fill(200));
    expect(await statuses(`${url}/`, 3, { source: 'probe' })).toEqual([200, 200, 500]);
    expect(await statuses(`${url}/`, 2)).toEqual([200, 200]);
    expect((await httpGet(`${url}/`, { SOURCE: 'probe' })).status).toBe(500);
  }, 90_000);

  test('SIGTERM (default ON_SIGTERM=exit): exits at once with code 143', async () => {
    const { c } = await start({});
    const r = await c.exec(['sh', '-c', 'kill -TERM 1']);
    expect(r.exitCode).toBe(0);
    const t = Date.now();
    expect(await waitForExit(c, 10_000)).toBe(143);
    expect(Date.now() - t).toBeLessThan(5_000);
    expect(await logsOf(c)).toContain('received SIGTERM, exiting with code 143');
  }, 90_000);

  test('ON_SIGTERM=ignore: keeps running, so a stop ends in SIGKILL (137) after the grace period', async () => {
    const { c, url } = await start({ ON_SIGTERM: 'ignore' });
    await c.exec(['sh', '-c', 'kill -TERM 1']);
    await delay(1_500);
    expect((await containerState(c)).running).toBe(true);
    expect((await httpGet(`${url}/`)).status).toBe(200);
    await run('docker', ['stop', '-t', '2', c.getId()], { timeoutMs: 30_000 });
    expect((await containerState(c)).exitCode).toBe(137);
    expect(await logsOf(c)).toContain('received SIGTERM, ignoring it (ON_SIGTERM=ignore)');
  }, 90_000);

  test('a bad setting stops the server with a message instead of guessing', async () => {
    // A container that exits at once: plain `docker run --rm` (testcontainers treats the exit as a failed start).
    const r = await run('docker', ['run', '--rm', '-e', 'FAIL_AFTER_REQUESTS=five', demo.image], { reject: false, timeoutMs: 60_000 });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('node-server: FAIL_AFTER_REQUESTS=five is not a non-negative integer');
  }, 90_000);

  test('gRPC health (GRPC_PORT): Check answers SERVING for "" and GRPC_SERVICES, NOT_FOUND for others, UNIMPLEMENTED for Watch', async () => {
    const { c } = await start({ GRPC_PORT: '5000', GRPC_SERVICES: 'liveness,readiness' }, 8080, [5000]);
    const grpc = `${c.getHost()}:${c.getMappedPort(5000)}`;
    expect(await grpcHealth(grpc, '')).toBe('SERVING');
    expect(await grpcHealth(grpc, 'liveness')).toBe('SERVING');
    expect(await grpcHealth(grpc, 'readiness')).toBe('SERVING');
    expect(await grpcHealth(grpc, 'other')).toBe(`code ${grpcCode.NOT_FOUND}: unknown service "other"`);
    expect(await grpcHealth(grpc, '', '/grpc.health.v1.Health/Watch')).toMatch(new RegExp(`^code ${grpcCode.UNIMPLEMENTED}: unknown method /grpc.health.v1.Health/Watch`));

    const logs = await logsOf(c);
    expect(logs).toMatch(/^http server started on 8080 \(fail after 5 requests, for every request; node v\d+[^\n]*; grpc on 5000 for "", "liveness", "readiness"\)$/m);
    expect(logs).toMatch(/ grpc=1 method=\/grpc\.health\.v1\.Health\/Check service="" status=SERVING from=\S+ ua="kube-probe\/1\.35 grpc-node-js\/[^"]+"$/m);
    expect(logs).toMatch(/ grpc=4 method=\/grpc\.health\.v1\.Health\/Check service="other" status=NOT_FOUND /);
    expect(logs).toMatch(/ grpc=5 method=\/grpc\.health\.v1\.Health\/Watch service=- status=UNIMPLEMENTED /);
    // gRPC calls are not HTTP requests: the HTTP counters have not moved.
    expect(logs).not.toMatch(/ request=\d+ /);
  }, 90_000);

  test('gRPC health: GRPC_FAIL_AFTER_SECONDS turns service "" NOT_SERVING after T s; GRPC_SERVICES names stay SERVING', async () => {
    const { c } = await start({ GRPC_PORT: '5000', GRPC_SERVICES: 'liveness', GRPC_FAIL_AFTER_SECONDS: '4' }, 8080, [5000]);
    const ready = Date.now();
    const grpc = `${c.getHost()}:${c.getMappedPort(5000)}`;
    expect(await grpcHealth(grpc, '')).toBe('SERVING');
    await delay(Math.max(0, ready + 4_500 - Date.now()));
    expect(await grpcHealth(grpc, '')).toBe('NOT_SERVING');
    expect(await grpcHealth(grpc, 'liveness')).toBe('SERVING');
    const logs = await logsOf(c);
    expect(logs).toMatch(/; grpc on 5000 for "", "liveness", "" NOT_SERVING after 4 s\)$/m);
    expect(logs).toMatch(/ grpc=2 method=\/grpc\.health\.v1\.Health\/Check service="" status=NOT_SERVING /);
  }, 90_000);

  test('/redirect answers code (default 302) with Location: loc, and is not counted', async () => {
    const { c, url } = await start({ FAIL_AFTER_REQUESTS: '2' });
    const local = await httpGet(`${url}/redirect?loc=${encodeURIComponent('/healthz?x=1')}`);
    expect(local.status).toBe(302);
    expect(local.headers.location).toBe('/healthz?x=1');
    const away = await httpGet(`${url}/redirect?loc=${encodeURIComponent('http://0.0.0.0/')}&code=301`);
    expect(away.status).toBe(301);
    expect(away.headers.location).toBe('http://0.0.0.0/');
    // The body Go's http.Redirect writes, which the kubelet quotes in its ProbeWarning event.
    expect(away.body).toBe('<a href="http://0.0.0.0/">Moved Permanently</a>.\n\n');
    expect((await httpGet(`${url}/redirect?loc=%2F&code=200`)).status).toBe(400);
    expect((await httpGet(`${url}/redirect`)).status).toBe(400);
    // Four requests to /redirect, none counted: the first two counted ones still get 200.
    expect(await statuses(`${url}/healthz?x=1`, 3)).toEqual([200, 200, 500]);
    const logs = await logsOf(c);
    expect(logs).toMatch(/ request=1 counted=- method=GET path="\/redirect\?loc=%2Fhealthz%3Fx%3D1" status=302 /);
    expect(logs).toMatch(/ request=5 counted=1 method=GET path="\/healthz\?x=1" status=200 /);
  }, 90_000);

  test('/delay?ms=N answers 200 after N ms (not counted); DELAY_MS delays every counted response', async () => {
    const { c, url } = await start({ DELAY_MS: '1000' });
    let t = Date.now();
    const slow = await httpGet(`${url}/delay?ms=1500`);
    expect(Date.now() - t).toBeGreaterThanOrEqual(1_500);
    expect(slow.status).toBe(200);
    expect(slow.body).toMatch(/^delayed 1500 ms: request 1 /);
    t = Date.now();
    expect((await httpGet(`${url}/`)).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(1_000);
    expect((await httpGet(`${url}/delay?ms=soon`)).status).toBe(400);
    const logs = await logsOf(c);
    expect(logs).toMatch(/^http server started on 8080 \(fail after 5 requests, for every request, counted responses delayed 1000 ms;/m);
    expect(logs).toMatch(/ request=1 counted=- method=GET path="\/delay\?ms=1500" status=200 /);
    expect(logs).toMatch(/ request=2 counted=1 method=GET path="\/" status=200 /);
  }, 90_000);

  test('HTTPS_PORT: the same handler over TLS with the self-signed certificate CN=node-server; lines end scheme=https', async () => {
    const { c, url } = await start({ HTTPS_PORT: '8443', FAIL_AFTER_REQUESTS: '2' }, 8080, [8443]);
    const secure = `https://${c.getHost()}:${c.getMappedPort(8443)}`;
    const first = await httpGet(`${secure}/healthz`);
    expect(first.status).toBe(200);
    expect(first.body).toMatch(/^ok: request 1 served by /);
    expect(first.peerCertificate?.subject.CN).toBe('node-server');
    expect(first.peerCertificate?.issuer.CN).toBe('node-server');
    expect(new Date(first.peerCertificate!.valid_to).getTime()).toBeGreaterThan(Date.now() + 50 * 365 * 24 * 3600_000);
    // One set of counters for both schemes.
    expect((await httpGet(`${url}/`)).status).toBe(200);
    expect((await httpGet(`${secure}/healthz`)).status).toBe(500);
    const logs = await logsOf(c);
    expect(logs).toMatch(/; https on 8443\)$/m);
    expect(logs).toMatch(/ request=1 counted=1 method=GET path="\/healthz" status=200 from=\S+ ua="" scheme=https$/m);
    expect(logs).toMatch(/ request=2 counted=2 method=GET path="\/" status=200 from=\S+ ua=""$/m);
    expect(logs).toMatch(/ request=3 counted=3 method=GET path="\/healthz" status=500 from=\S+ ua="" scheme=https$/m);
  }, 90_000);

  test('EXTRA_PORTS: the same handler and counters on more HTTP ports; their lines end port=<n>', async () => {
    const { c, url } = await start({ EXTRA_PORTS: '9090,8081' }, 8080, [9090, 8081]);
    const on = (p: number) => `http://${c.getHost()}:${c.getMappedPort(p)}`;
    expect(await statuses(`${on(9090)}/`, 2)).toEqual([200, 200]);
    expect(await statuses(`${on(8081)}/`, 2)).toEqual([200, 200]);
    expect(await statuses(`${url}/`, 2)).toEqual([200, 500]);
    expect((await httpGet(`${on(9090)}/`)).status).toBe(500);
    const logs = await logsOf(c);
    expect(logs).toMatch(/; http also on 9090, 8081\)$/m);
    expect(logs).toMatch(/ request=1 counted=1 method=GET path="\/" status=200 from=\S+ ua="" port=9090$/m);
    expect(logs).toMatch(/ request=3 counted=3 method=GET path="\/" status=200 from=\S+ ua="" port=8081$/m);
    expect(logs).toMatch(/ request=5 counted=5 method=GET path="\/" status=200 from=\S+ ua=""$/m);
  }, 90_000);

  test('/record/... records each call (any method, not counted); /calls lists them, ?path= filters by prefix', async () => {
    const { c, url } = await start({ FAIL_AFTER_REQUESTS: '1' });
    const ua = { 'user-agent': 'kube-lifecycle/1.35' };
    const post = await httpRequest(`${url}/record/poststart?msg=hello`, { method: 'POST', headers: ua, body: 'ignored' });
    expect(post.status).toBe(200);
    expect(post.body).toBe('recorded /record/poststart?msg=hello\n');
    expect((await httpGet(`${url}/record/prestop`, ua)).status).toBe(200);
    expect((await httpGet(`${url}/record/prestop`, ua)).status).toBe(200);
    // Three recorded calls and FAIL_AFTER_REQUESTS=1: the first counted request still gets 200.
    expect(await statuses(`${url}/`, 2)).toEqual([200, 500]);

    const all = await httpGet(`${url}/calls`);
    expect(all.status).toBe(200);
    expect(all.headers['content-type']).toBe('application/json');
    const { calls } = JSON.parse(all.body) as { calls: Array<Record<string, unknown>> };
    expect(calls.map((x) => [x.n, x.method, x.path, x.ua])).toEqual([
      [1, 'POST', '/record/poststart?msg=hello', 'kube-lifecycle/1.35'],
      [2, 'GET', '/record/prestop', 'kube-lifecycle/1.35'],
      [3, 'GET', '/record/prestop', 'kube-lifecycle/1.35'],
    ]);
    for (const x of calls) {
      expect(typeof x.from).toBe('string');
      expect(new Date(x.time as string).toISOString()).toBe(x.time);
    }
    const some = JSON.parse((await httpGet(`${url}/calls?path=/record/poststart`)).body) as { calls: Array<{ path: string }> };
    expect(some.calls.map((x) => x.path)).toEqual(['/record/poststart?msg=hello']);
    const logs = await logsOf(c);
    expect(logs).toMatch(/ request=1 counted=- method=POST path="\/record\/poststart\?msg=hello" status=200 from=\S+ ua="kube-lifecycle\/1\.35"$/m);
    expect(logs).toMatch(/ request=6 counted=- method=GET path="\/calls" status=200 /);
  }, 90_000);

  test('bad settings of the other listeners stop the server with a message', async () => {
    for (const [env, message] of [
      ['GRPC_PORT=grpc', 'node-server: GRPC_PORT=grpc: "grpc" is not a port (1-65535)'],
      ['EXTRA_PORTS=9090,8080', 'node-server: port 8080 is given twice (PORT and EXTRA_PORTS)'],
      ['GRPC_SERVICES=liveness', 'node-server: GRPC_SERVICES is set but GRPC_PORT is not (the gRPC server is off)'],
    ] as const) {
      const r = await run('docker', ['run', '--rm', '-e', env, demo.image], { reject: false, timeoutMs: 60_000 });
      expect([env, r.exitCode, r.stderr.trim()]).toEqual([env, 2, message]);
    }
  }, 120_000);
});
