// Contract of images/nginx (see its Dockerfile and entrypoint.sh): per-container ports in a shared
// network namespace (article 002), the article commands `nginx -s stop`, `pkill nginx`,
// `rm index.html`, `sed -i s/80/8080/ ...; nginx -s reload` (articles 000, 001).
import { expect, test } from '@jest/globals';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { containerState, eventually, httpGet, imageUnderTest, logsOf, waitForExit, waitForHttp, describeWithDocker } from './support.js';

const demo = imageUnderTest('nginx');
const { containers } = demo;

async function start(env: Record<string, string>, ports: number[]): Promise<StartedTestContainer> {
  return containers.add(
    await new GenericContainer(demo.image)
      .withEnvironment(env)
      .withExposedPorts(...ports)
      .withWaitStrategy(Wait.forLogMessage(/start worker process/))
      .withStartupTimeout(60_000)
      .start(),
  );
}

const url = (c: StartedTestContainer, port: number, path = '/') => `http://${c.getHost()}:${c.getMappedPort(port)}${path}`;

/** Whether something accepts TCP connections on 127.0.0.1:<port> inside the container's network namespace. */
async function listening(c: StartedTestContainer, port: number): Promise<boolean> {
  const r = await c.exec(['bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`]);
  return r.exitCode === 0;
}

describeWithDocker('nginx', () => {
  test('two containers in one network namespace (article 002): 8080 and 8081 each serve their own page', async () => {
    const first = await start({ NGINX_PORT: '8080', NGINX_NAME: 'first' }, [8080, 8081]);
    // The second container joins the first one's network namespace, as containers of one pod do.
    const second = containers.add(
      await new GenericContainer(demo.image)
        .withEnvironment({ NGINX_PORT: '8081', NGINX_NAME: 'second' })
        .withNetworkMode(`container:${first.getId()}`)
        .withWaitStrategy(Wait.forLogMessage(/start worker process/))
        .withStartupTimeout(60_000)
        .start(),
    );
    const a = await httpGet(url(first, 8080));
    expect(a.status).toBe(200);
    expect(a.body).toContain('<h1>probe-conformance nginx: first</h1>');
    expect(a.body).toContain('served on port 8080');
    expect(a.headers['x-served-port']).toBe('8080');

    const b = await waitForHttp(url(first, 8081));
    expect(b.status).toBe(200);
    expect(b.body).toContain('<h1>probe-conformance nginx: second</h1>');
    expect(b.body).toContain('served on port 8081');
    expect(b.headers['x-served-port']).toBe('8081');
    expect((await httpGet(url(first, 8081, '/hehe'))).status).toBe(404);

    // Each listens only on its own port: nothing on 80, both still running (no "address in use").
    expect(await listening(first, 80)).toBe(false);
    expect((await containerState(first)).running).toBe(true);
    expect((await containerState(second)).running).toBe(true);
    const conf = (await first.exec(['cat', '/etc/nginx/conf.d/default.conf'])).stdout;
    expect(conf).toMatch(/^\s*listen\s+8080;$/m);
    expect(conf).not.toMatch(/listen\s+(\[::\]:)?(80|8081);/);
    expect(await logsOf(second)).toContain('"GET / HTTP/1.1" 200 port=8081');
  }, 120_000);

  test('default port 80; /index.html served, /hehe 404; nginx is PID 1', async () => {
    const c = await start({}, [80]);
    const page = await httpGet(url(c, 80, '/index.html'));
    expect(page.status).toBe(200);
    expect(page.body).toContain('served on port 80<');
    expect((await httpGet(url(c, 80, '/hehe'))).status).toBe(404);
    const comm = await c.exec(['cat', '/proc/1/cmdline']);
    expect(comm.stdout.replace(/\0/g, ' ')).toMatch(/^nginx: master process/);
    const ls = await c.exec(['ls', '/usr/share/nginx/html']);
    expect(ls.stdout.split('\n').filter(Boolean).sort()).toEqual(['50x.html', 'index.html']);
  }, 120_000);

  test('`nginx -s stop` ends the container (exit code 0)', async () => {
    const c = await start({}, [80]);
    const r = await c.exec(['nginx', '-s', 'stop']);
    expect(r.exitCode).toBe(0);
    expect(await waitForExit(c)).toBe(0);
  }, 120_000);

  test('`pkill nginx` ends the container (exit code 0)', async () => {
    const c = await start({}, [80]);
    await c.exec(['pkill', 'nginx']);
    expect(await waitForExit(c)).toBe(0);
  }, 120_000);

  test('deleting /usr/share/nginx/html/index.html makes /index.html answer 404', async () => {
    const c = await start({}, [80]);
    expect((await httpGet(url(c, 80, '/index.html'))).status).toBe(200);
    const r = await c.exec(['rm', '-rf', '/usr/share/nginx/html/index.html']);
    expect(r.exitCode).toBe(0);
    expect((await httpGet(url(c, 80, '/index.html'))).status).toBe(404);
    expect((await httpGet(url(c, 80, '/'))).status).toBe(403);
  }, 120_000);

  test('`sed -i s/80/8080/ /etc/nginx/conf.d/default.conf` + `nginx -s reload` moves the port (article 001)', async () => {
    const c = await start({}, [80, 8080]);
    expect(await listening(c, 80)).toBe(true);
    expect(await listening(c, 8080)).toBe(false);
    const r = await c.exec(['sh', '-c', 'sed -i s/80/8080/ /etc/nginx/conf.d/default.conf && nginx -s reload']);
    expect(r.exitCode).toBe(0);
    await eventually('port 80 is closed after the reload', async () => !(await listening(c, 80)));
    expect(await listening(c, 8080)).toBe(true);
    const page = await httpGet(url(c, 8080));
    expect(page.body).toContain('served on port 8080');
    expect((await containerState(c)).running).toBe(true);
  }, 120_000);
});
