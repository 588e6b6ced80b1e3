import { readFileSync } from 'node:fs';
import type { ProviderName } from '../../run/config.js';
import { DEFAULT_DOCKER_HOST, lastLine, serverAnswered } from '../docker/cli.js';
import { run } from '../process/run.js';
import { combine, found, missing, type CheckResult } from './check.js';
import { findExecutable } from './executables.js';
import { installFix } from './install-hint.js';

/**
 * A Docker engine must answer `docker info`, or be startable by the run: global setup starts
 * Debian's dockerd when it is root and dockerd is installed (harness/cluster/docker/engine.ts). A docker
 * client alone (no engine, no dockerd) cannot build the demo images.
 */
export interface DockerCheckOptions {
  path?: string;
  uid?: number;
  /** For DOCKER_HOST. Default process.env. */
  env?: NodeJS.ProcessEnv;
  provider?: ProviderName;
  /** Read for `data-root` when the engine is to be started. Default /etc/docker/daemon.json. */
  daemonJson?: string;
  timeoutMs?: number;
}

export interface DockerState {
  /** The docker CLI found. */
  cli?: string;
  answers: boolean;
  /** The run can start dockerd itself (root, dockerd installed, no remote DOCKER_HOST). */
  startable: boolean;
  version?: string;
  /** Where the engine keeps images on this machine (for the free-disk check), when it is local. */
  dataRoot?: string;
}

const DEFAULT_DATA_ROOT = '/var/lib/docker';

function configuredDataRoot(daemonJson: string): string {
  try {
    const root = (JSON.parse(readFileSync(daemonJson, 'utf8')) as { 'data-root'?: unknown })['data-root'];
    return typeof root === 'string' && root !== '' ? root : DEFAULT_DATA_ROOT;
  } catch {
    return DEFAULT_DATA_ROOT;
  }
}

export async function checkDockerEngine(options: DockerCheckOptions = {}): Promise<CheckResult & { docker: DockerState }> {
  const provider = options.provider ?? 'local';
  const uid = options.uid ?? process.getuid?.();
  const dockerHost = (options.env ?? process.env).DOCKER_HOST;
  const remote = dockerHost !== undefined && dockerHost !== '' && dockerHost !== DEFAULT_DOCKER_HOST;
  const fix = installFix(provider, ['docker.io']);
  const cli = findExecutable('docker', options.path);
  const dockerd = findExecutable('dockerd', options.path);
  const startable = uid === 0 && dockerd !== undefined && !remote;
  const notStarted: DockerState = { answers: false, startable };

  if (!cli) {
    return {
      ...missing('docker CLI', 'not on PATH (apt package docker.io)', {
        what: 'the docker CLI is not installed (the demo images are built with Docker)',
        fix,
      }),
      docker: notStarted,
    };
  }
  const r = await run(cli, ['info', '--format', '{{.ServerVersion}}|{{.DockerRootDir}}'], { reject: false, timeoutMs: options.timeoutMs ?? 15_000 }).catch(
    (err: unknown) => ({ exitCode: -1, stdout: '', stderr: err instanceof Error ? err.message : String(err) }),
  );
  const [version = '', rootDir = ''] = r.stdout.trim().split('|');
  const cliLine = found('docker CLI', cli);
  notStarted.cli = cli;
  if (serverAnswered(r.exitCode, version)) {
    const dataRoot = remote || rootDir === '' || rootDir.includes('<no value>') ? undefined : rootDir;
    return {
      ...combine(cliLine, found('docker engine', `${version} answers docker info${remote ? ` at ${dockerHost}` : ''}`)),
      docker: { cli, answers: true, startable, version, ...(dataRoot ? { dataRoot } : {}) },
    };
  }
  // Without a server, docker prints the empty template (`|`) on stdout and the reason on stderr.
  const why = lastLine(r.stderr) || lastLine(r.stdout.replace(/^\s*\|\s*$/m, '')) || `exit ${r.exitCode}`;
  if (remote) {
    return {
      ...combine(cliLine, missing('docker engine', `DOCKER_HOST=${dockerHost} does not answer`, {
        what: `the Docker engine at DOCKER_HOST=${dockerHost} does not answer docker info (${why})`,
        fix: 'start that engine, or unset DOCKER_HOST to use (and start) the local one',
      })),
      docker: notStarted,
    };
  }
  if (startable) {
    return {
      ...combine(cliLine, found('docker engine', `not running; the run starts ${dockerd} (root)`)),
      docker: { ...notStarted, dataRoot: configuredDataRoot(options.daemonJson ?? '/etc/docker/daemon.json') },
    };
  }
  if (uid !== 0) {
    const engine = /permission denied/i.test(why)
      ? missing('docker engine', 'permission denied on the Docker socket', {
          what: `permission denied on the Docker socket (${why})`,
          fix: 'run as root, or add your user to the docker group (sudo usermod -aG docker $USER) and log in again',
        })
      : missing('docker engine', 'not running, and only root can start it', {
          what: `no Docker engine answers docker info (${why}), and only root can start one`,
          fix: `start it (sudo dockerd, or sudo systemctl start docker), or run as root${dockerd ? '' : `; dockerd is not installed: ${fix}`}`,
        });
    return { ...combine(cliLine, engine), docker: notStarted };
  }
  return {
    ...combine(cliLine, missing('docker engine', 'not running, and dockerd is not installed', {
      what: `no Docker engine answers docker info (${why}) and dockerd is not installed, so the run cannot start one (a docker client alone cannot build images)`,
      fix,
    })),
    docker: notStarted,
  };
}
