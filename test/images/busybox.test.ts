// Contract of images/busybox: busybox's own sh/cat/wget..., so exec probes print the articles'
// messages, and a harmless default command.
import { expect, test } from '@jest/globals';
import { setTimeout as delay } from 'node:timers/promises';
import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import { containerState, imageUnderTest, describeWithDocker } from './support.js';

const demo = imageUnderTest('busybox');
const { containers } = demo;

async function start(command?: string[]): Promise<StartedTestContainer> {
  let g = new GenericContainer(demo.image);
  if (command) g = g.withCommand(command);
  return containers.add(await g.withStartupTimeout(60_000).start());
}

describeWithDocker('busybox', () => {
  test("default command is `sleep 3600` and keeps the container running", async () => {
    const c = await start();
    const cmdline = await c.exec(['cat', '/proc/1/cmdline']);
    expect(cmdline.stdout.split('\0').filter(Boolean)).toEqual(['sleep', '3600']);
    expect((await containerState(c)).running).toBe(true);
  }, 60_000);

  test("cat of a missing file prints busybox's message", async () => {
    const c = await start();
    const r = await c.exec(['cat', '/tmp/nope']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("cat: can't open '/tmp/nope': No such file or directory\n");
  }, 60_000);

  test('article 000 exec probe: cat /tmp/healthy succeeds, then fails once the file is removed', async () => {
    const c = await start(['/bin/sh', '-c', 'touch /tmp/healthy; sleep 2; rm -rf /tmp/healthy; sleep 600']);
    const before = await c.exec(['cat', '/tmp/healthy']);
    expect(before.exitCode).toBe(0);
    await delay(3_500);
    const after = await c.exec(['cat', '/tmp/healthy']);
    expect(after.exitCode).toBe(1);
    expect(after.stderr).toBe("cat: can't open '/tmp/healthy': No such file or directory\n");
  }, 60_000);

  test('sh and the usual applets are busybox; wget fetches over HTTP', async () => {
    const c = await start();
    const applets = ['sh', 'cat', 'touch', 'rm', 'sleep', 'wget', 'echo', 'ls', 'kill', 'ps', 'httpd', 'nc', 'grep', 'timeout'];
    const which = await c.exec(['sh', '-c', `for a in ${applets.join(' ')}; do command -v "$a" || echo "missing $a"; done`]);
    expect(which.stdout).not.toContain('missing');
    expect(which.stdout.trim().split('\n')).toHaveLength(applets.length);
    const banner = await c.exec(['sh', '-c', 'busybox | head -n 1; readlink -f "$(command -v sh)"; readlink -f "$(command -v wget)"']);
    const [first, shPath, wgetPath] = banner.stdout.trim().split('\n');
    expect(first).toMatch(/^BusyBox v1\.\d+/);
    // Symlinks to busybox (offline base) or hard links (official image): either way, busybox's binary.
    const inodes = await c.exec(['sh', '-c', `stat -L -c %i /bin/busybox ${shPath} ${wgetPath}`]);
    expect(new Set(inodes.stdout.trim().split('\n')).size).toBe(1);

    const served = await c.exec([
      'sh',
      '-c',
      'mkdir -p /tmp/www && echo hello-from-busybox > /tmp/www/hello.txt && httpd -p 127.0.0.1:8099 -h /tmp/www && sleep 0.5 && wget -q -O - http://127.0.0.1:8099/hello.txt',
    ]);
    expect(served.exitCode).toBe(0);
    expect(served.stdout).toBe('hello-from-busybox\n');
  }, 60_000);
});
