// Contract of images/node-server (see its Dockerfile): count mode, time mode, header and path
// gates, request log lines, SIGTERM handling. Runs the real image with testcontainers.
import { expect, test } from '@jest/globals';
import { setTimeout as delay } from 'node:timers/promises';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { run } from '../../harness/cluster/process/run.js';
import { containerState, httpGet, imageUnderTest, logsOf, waitForExit, describeWithDocker } from './support.js';

const demo = imageUnderTest('node-server');
const { containers } = demo;

async function start(env: Record<string, string>, port = 8080): Promise<{ c: StartedTestContainer; url: string }> {
  const c = containers.add(
    await new GenericContainer(demo.image)
      .withEnvironment(env)
      .withExposedPorts(port)
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
});
