import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DOCKER_HOST, lastLine, serverAnswered } from './cli.js';
import { SetupError } from '../../common/errors.js';
import type { Log } from '../../common/log.js';
import { waitAtMost } from '../../common/wait.js';
import { isAlive, startDaemon, stopFromPidFile } from '../process/daemon.js';
import { run, which } from '../process/run.js';

/**
 * Makes sure a Docker engine answers `docker info`. Docker builds the demo images and runs their
 * contract tests; the cluster providers load the images from it.
 *
 * If none answers and we are root, starts Debian's dockerd as a daemon (its log in
 * /var/log/probe-conformance/dockerd.log, its pid in <stateDir>/dockerd.pid). Only a dockerd
 * started here gets that pid file, so stopStartedDockerEngine() never stops someone else's.
 */
export interface DockerEngineOptions {
  /** Where dockerd.log goes. Default /var/log/probe-conformance. */
  logDir?: string;
  /** Where the pid file of a dockerd started here goes (RunConfig.stateDir). */
  stateDir: string;
  /** How long to wait for a started dockerd to answer. Default 60 s. */
  timeoutMs?: number;
  /** For tests: the /proc/sys directory written for net.ipv4.ip_forward. */
  procSysDir?: string;
  /** For tests: the pid file of a dockerd started by someone else. Default /var/run/docker.pid. */
  dockerPidFile?: string;
  /** Extra dockerd arguments, asked for only when dockerd is started here (e.g. privileged-runtime.ts). */
  extraArgs?: () => Promise<string[]>;
}

const DEFAULT_LOG_DIR = '/var/log/probe-conformance';

export function dockerdPidFile(options: Pick<DockerEngineOptions, 'stateDir'>): string {
  return join(options.stateDir, 'dockerd.pid');
}

/** The pid of the process that started the suite's dockerd: while it lives, that run still uses it. */
function dockerdOwnerFile(options: Pick<DockerEngineOptions, 'stateDir'>): string {
  return join(options.stateDir, 'dockerd.owner');
}

interface InfoResult {
  ok: boolean;
  version: string;
  output: string;
}

async function dockerInfo(): Promise<InfoResult> {
  const r = await run('docker', ['info', '--format', '{{.ServerVersion}}'], { reject: false, timeoutMs: 20_000 }).catch(
    (err: unknown) => ({ stdout: '', stderr: err instanceof Error ? err.message : String(err), exitCode: -1 }),
  );
  const version = r.stdout.trim();
  const ok = serverAnswered(r.exitCode, version);
  return { ok, version, output: `${r.stdout}\n${r.stderr}`.trim() };
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function processName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

function logTail(file: string, lines = 1): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join(' | ');
  } catch {
    return '';
  }
}

/** Makes sure a Docker engine answers; returns true when this call started it (so the caller may stop it). */
export async function ensureDockerEngine(log: Log, options: DockerEngineOptions): Promise<boolean> {
  if (!(await which('docker'))) {
    throw new SetupError('the docker CLI is not installed', 'apt-get install docker.io (or install Docker Engine), then re-run');
  }
  const first = await dockerInfo();
  if (first.ok) {
    log(`docker engine ${first.version} is running`);
    return false;
  }
  const dockerHost = process.env.DOCKER_HOST;
  if (dockerHost && dockerHost !== DEFAULT_DOCKER_HOST) {
    throw new SetupError(
      `the Docker engine at DOCKER_HOST=${dockerHost} does not answer (${lastLine(first.output)})`,
      'start that engine, or unset DOCKER_HOST to use (and start) the local one',
    );
  }
  const isRoot = process.getuid?.() === 0;
  if (/permission denied/i.test(first.output) && !isRoot) {
    throw new SetupError(
      'permission denied on the Docker socket /var/run/docker.sock',
      'run as root, or add your user to the docker group (usermod -aG docker $USER) and log in again',
    );
  }
  if (!isRoot) {
    throw new SetupError(
      'the Docker engine is not running, and only root can start it',
      'start it (sudo dockerd, or sudo systemctl start docker) or run the suite as root',
    );
  }
  const dockerd = await which('dockerd');
  if (!dockerd) {
    throw new SetupError('the Docker engine is not running and dockerd is not installed', 'apt-get install docker.io, then re-run');
  }

  const timeoutMs = options.timeoutMs ?? 60_000;
  const logDir = options.logDir ?? DEFAULT_LOG_DIR;
  const logFile = join(logDir, 'dockerd.log');

  // A dockerd that someone else started may still be coming up: wait for it instead of starting a second one.
  const foreignPid = readPid(options.dockerPidFile ?? '/var/run/docker.pid');
  if (foreignPid !== undefined && isAlive(foreignPid) && processName(foreignPid).startsWith('dockerd')) {
    log(`dockerd (pid ${foreignPid}) is running but does not answer yet; waiting up to ${timeoutMs / 1000} s`);
    if (await pollInfo(timeoutMs, log, undefined)) return false;
    throw new SetupError(
      `dockerd (pid ${foreignPid}, not started by this suite) did not answer \`docker info\` within ${timeoutMs / 1000} s`,
      'check that engine (its log, `docker info`) or stop it so the suite can start its own',
    );
  }

  // Pods and containers on this host need forwarding; Docker would set it too, but only if it may.
  const ipForward = join(options.procSysDir ?? '/proc/sys', 'net/ipv4/ip_forward');
  try {
    writeFileSync(ipForward, '1\n');
  } catch (err) {
    log(`warning: could not set net.ipv4.ip_forward=1 (${(err as Error).message})`);
  }

  mkdirSync(logDir, { recursive: true });
  const pidFile = dockerdPidFile(options);
  mkdirSync(options.stateDir, { recursive: true });
  log(`starting dockerd (log: ${logFile})`);
  const args = (await options.extraArgs?.()) ?? [];
  const daemon = startDaemon({ name: 'dockerd', command: dockerd, args, logFile, pidFile });
  writeFileSync(dockerdOwnerFile(options), `${process.pid}\n`);
  let exitCode: number | null | undefined;
  void daemon.exited.then((code) => {
    exitCode = code;
  });

  const ready = await pollInfo(timeoutMs, log, () => exitCode !== undefined);
  if (!ready) {
    const exited = exitCode !== undefined;
    await stopFromPidFile(pidFile, 10_000);
    const tail = logTail(logFile);
    throw new SetupError(
      exited
        ? `dockerd exited (code ${exitCode}) before it answered \`docker info\`; see ${logFile}${tail ? ` (last line: ${tail})` : ''}`
        : `dockerd did not answer \`docker info\` within ${timeoutMs / 1000} s; see ${logFile}`,
      `read ${logFile}, fix the cause (often another dockerd/containerd, or a stale /var/run/docker.pid) and re-run`,
    );
  }

  // Docker sets the FORWARD policy to DROP when it enables forwarding itself; that blocks pod
  // traffic bridged on this host, so open it again.
  if (await which('iptables')) {
    const r = await run('iptables', ['-P', 'FORWARD', 'ACCEPT'], { reject: false, timeoutMs: 30_000 });
    if (r.exitCode !== 0) log(`warning: iptables -P FORWARD ACCEPT failed: ${lastLine(r.stderr || r.stdout)}`);
  } else {
    log('warning: iptables not found; the FORWARD policy was left as Docker set it');
  }
  const info = await dockerInfo();
  log(`started dockerd ${info.version} (pid ${daemon.pid}, log ${logFile})`);
  return true;
}

/**
 * Polls `docker info` every 500 ms until it answers (true), the deadline passes or `gaveUp()`
 * (false), with a progress line every 30 s.
 */
async function pollInfo(timeoutMs: number, log: Log, gaveUp: (() => boolean) | undefined): Promise<boolean> {
  const outcome = await waitAtMost(async () => ((await dockerInfo()).ok ? 'answered' : gaveUp?.() ? 'gave up' : undefined), {
    what: 'dockerd to answer `docker info`',
    timeoutMs,
    intervalMs: 500,
    progress: { log },
  });
  return outcome === 'answered';
}

/**
 * Stops the dockerd that ensureDockerEngine() started (found through its pid file), and nothing
 * else: returns false when there is no such daemon.
 */
export async function stopStartedDockerEngine(log: Log, options: Pick<DockerEngineOptions, 'stateDir'>): Promise<boolean> {
  const pidFile = dockerdPidFile(options);
  if (!existsSync(pidFile)) return false;
  const pid = readPid(pidFile);
  if (pid === undefined || !isAlive(pid) || !processName(pid).startsWith('dockerd')) {
    rmSync(pidFile, { force: true });
    return false;
  }
  // Started by another run that is still going (two runs at once; one refused at its preflight): it is that run's to stop.
  const owner = readPid(dockerdOwnerFile(options));
  if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
    log(`leaving dockerd (pid ${pid}) running: run ${owner}, which started it, is still going`);
    return false;
  }
  log(`stopping dockerd (pid ${pid}) started by this suite`);
  await stopFromPidFile(pidFile, 20_000);
  rmSync(dockerdOwnerFile(options), { force: true });
  return true;
}
