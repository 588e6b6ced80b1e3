// harness/cluster/docker/engine.ts against fake docker/dockerd/iptables executables (the real engine on
// this machine is shared and must not be stopped). The fakes live in a temporary PATH.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SetupError } from '../../harness/common/errors.js';
import { dockerdPidFile, ensureDockerEngine, stopStartedDockerEngine, type DockerEngineOptions } from '../../harness/cluster/docker/engine.js';
import { isAlive } from '../../harness/cluster/process/daemon.js';

const saved = { PATH: process.env.PATH, DOCKER_HOST: process.env.DOCKER_HOST, FAKE_STATE: process.env.FAKE_STATE };
let root = '';
let n = 0;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'probe-engine-'));
  delete process.env.DOCKER_HOST;
});

afterEach(() => {
  process.env.PATH = saved.PATH;
});

const fakeStates: string[] = [];

afterAll(() => {
  // A failed assertion must not leave a fake dockerd looping.
  for (const state of fakeStates) {
    const file = join(state, 'dockerd.pid');
    if (!existsSync(file)) continue;
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (pid > 1 && isAlive(pid)) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        process.kill(pid, 'SIGKILL');
      }
    }
  }
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(root, { recursive: true, force: true });
});

const FAKE_DOCKER = `#!/bin/sh
if [ "$1" = info ]; then
  if [ -f "$FAKE_STATE/ready" ]; then echo 99.0-fake; exit 0; fi
  echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2
  exit 1
fi
exit 0
`;
const fakeDockerd = (mode: 'ready' | 'never' | 'exit') => `#!/bin/sh
echo $$ > "$FAKE_STATE/dockerd.pid"
echo "fake dockerd starting"
${mode === 'exit' ? 'echo "failed to start daemon: boom"; exit 1' : ''}
${mode === 'ready' ? '/bin/sleep 0.5; : > "$FAKE_STATE/ready"' : ''}
while :; do /bin/sleep 1; done
`;
const FAKE_IPTABLES = `#!/bin/sh
echo "$@" >> "$FAKE_STATE/iptables.args"
`;

/** A fresh fake world: PATH with only the given tools, and directories for state, logs and /proc/sys. */
function world(tools: { docker?: boolean; dockerd?: 'ready' | 'never' | 'exit'; iptables?: boolean; ready?: boolean }) {
  const dir = join(root, `w${++n}`);
  const bin = join(dir, 'bin');
  const state = join(dir, 'fake');
  mkdirSync(bin, { recursive: true });
  mkdirSync(state);
  fakeStates.push(state);
  mkdirSync(join(dir, 'proc-sys', 'net', 'ipv4'), { recursive: true });
  writeFileSync(join(dir, 'proc-sys', 'net', 'ipv4', 'ip_forward'), '0\n');
  symlinkSync('/bin/sh', join(bin, 'sh'));
  const script = (name: string, text: string) => {
    writeFileSync(join(bin, name), text);
    chmodSync(join(bin, name), 0o755);
  };
  if (tools.docker) script('docker', FAKE_DOCKER);
  if (tools.dockerd) script('dockerd', fakeDockerd(tools.dockerd));
  if (tools.iptables) script('iptables', FAKE_IPTABLES);
  if (tools.ready) writeFileSync(join(state, 'ready'), '');
  process.env.PATH = bin;
  process.env.FAKE_STATE = state;
  const options: DockerEngineOptions = {
    logDir: join(dir, 'log'),
    stateDir: join(dir, 'state'),
    procSysDir: join(dir, 'proc-sys'),
    dockerPidFile: join(dir, 'no-such-docker.pid'),
    timeoutMs: 10_000,
  };
  const fakePid = () => Number(readFileSync(join(state, 'dockerd.pid'), 'utf8').trim());
  return { dir, state, options, fakePid };
}

const lines: string[] = [];
const log = (l: string) => lines.push(l);

describe('ensureDockerEngine', () => {
  test('no docker CLI: a SetupError saying so', async () => {
    const w = world({});
    await expect(ensureDockerEngine(log, w.options)).rejects.toThrow(SetupError);
    await expect(ensureDockerEngine(log, w.options)).rejects.toThrow(/the docker CLI is not installed\n  fix: apt-get install docker.io/);
  });

  test('engine already answering: returns without starting anything', async () => {
    const w = world({ docker: true, dockerd: 'ready', ready: true });
    await ensureDockerEngine(log, w.options);
    expect(existsSync(dockerdPidFile(w.options))).toBe(false);
    expect(existsSync(join(w.state, 'dockerd.pid'))).toBe(false);
    expect(lines.at(-1)).toBe('docker engine 99.0-fake is running');
  });

  test('engine down and no dockerd: a SetupError naming the package', async () => {
    const w = world({ docker: true });
    await expect(ensureDockerEngine(log, w.options)).rejects.toThrow(/dockerd is not installed\n  fix: apt-get install docker.io/);
  });

  test('engine down: sets ip_forward, starts dockerd, opens FORWARD; stop only stops what it started', async () => {
    const w = world({ docker: true, dockerd: 'ready', iptables: true });
    expect(await stopStartedDockerEngine(log, w.options)).toBe(false);
    await ensureDockerEngine(log, w.options);
    const pid = w.fakePid();
    expect(isAlive(pid)).toBe(true);
    expect(readFileSync(dockerdPidFile(w.options), 'utf8').trim()).toBe(String(pid));
    expect(readFileSync(join(w.options.procSysDir!, 'net/ipv4/ip_forward'), 'utf8')).toBe('1\n');
    expect(readFileSync(join(w.state, 'iptables.args'), 'utf8')).toBe('-P FORWARD ACCEPT\n');
    expect(readFileSync(join(w.options.logDir!, 'dockerd.log'), 'utf8')).toContain('fake dockerd starting');
    expect(lines.at(-1)).toMatch(/^started dockerd 99.0-fake \(pid \d+, log .*dockerd.log\)$/);

    // A second run (refused at its preflight) must not stop the dockerd a live run started.
    writeFileSync(join(w.options.stateDir, 'dockerd.owner'), `${process.ppid}\n`);
    expect(await stopStartedDockerEngine(log, w.options)).toBe(false);
    expect(lines.at(-1)).toBe(`leaving dockerd (pid ${pid}) running: run ${process.ppid}, which started it, is still going`);
    expect(isAlive(pid)).toBe(true);
    writeFileSync(join(w.options.stateDir, 'dockerd.owner'), `${process.pid}\n`);

    expect(await stopStartedDockerEngine(log, w.options)).toBe(true);
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(dockerdPidFile(w.options))).toBe(false);
    expect(await stopStartedDockerEngine(log, w.options)).toBe(false);
  }, 30_000);

  test('dockerd never answers: a SetupError naming the log file, and the daemon is stopped', async () => {
    const w = world({ docker: true, dockerd: 'never', iptables: true });
    const err = await ensureDockerEngine(log, { ...w.options, timeoutMs: 1_500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SetupError);
    expect((err as Error).message).toContain(`dockerd did not answer \`docker info\` within 1.5 s; see ${join(w.options.logDir!, 'dockerd.log')}`);
    expect(isAlive(w.fakePid())).toBe(false);
    expect(existsSync(dockerdPidFile(w.options))).toBe(false);
    expect(existsSync(join(w.state, 'iptables.args'))).toBe(false);
  }, 30_000);

  test('dockerd exits at once: a SetupError with its exit code and last log line', async () => {
    const w = world({ docker: true, dockerd: 'exit' });
    await expect(ensureDockerEngine(log, w.options)).rejects.toThrow(
      /dockerd exited \(code 1\) before it answered `docker info`; see .*dockerd\.log \(last line: failed to start daemon: boom\)/,
    );
  }, 30_000);
});
