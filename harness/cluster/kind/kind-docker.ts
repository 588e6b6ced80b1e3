import { SetupError } from '../../common/errors.js';
import type { Log } from '../../common/log.js';
import { run, which } from '../process/run.js';

/** The Docker engine kind runs its nodes in: checked before create, and swept after delete. */
export interface DockerFacts {
  serverVersion: string;
  /** "1" or "2" (`docker info` CgroupVersion). */
  cgroupVersion: string;
}

/** The label kind puts on every node container (pkg/cluster/internal/providers/docker/constants.go). */
export const KIND_CLUSTER_LABEL = 'io.x-k8s.kind.cluster';

export function parseDockerInfo(stdout: string): DockerFacts | undefined {
  const [serverVersion = '', cgroupVersion = ''] = stdout.trim().split(/\s+/);
  if (!serverVersion || serverVersion.includes('<no') || serverVersion.includes('<nil')) return undefined;
  return { serverVersion, cgroupVersion: /^[12]$/.test(cgroupVersion) ? cgroupVersion : 'unknown' };
}

export async function checkDocker(): Promise<DockerFacts> {
  if (!(await which('docker'))) {
    throw new SetupError('the kind provider needs Docker, and the docker CLI is not installed', 'install Docker Engine (apt-get install docker.io), or use PROBE_PROVIDER=local');
  }
  const r = await run('docker', ['info', '--format', '{{.ServerVersion}} {{.CgroupVersion}}'], { reject: false, timeoutMs: 30_000 });
  const facts = r.exitCode === 0 ? parseDockerInfo(r.stdout) : undefined;
  if (!facts) {
    const last = `${r.stderr}\n${r.stdout}`.trim().split('\n').filter(Boolean).slice(-1)[0] ?? `exit ${r.exitCode}`;
    throw new SetupError(
      `the kind provider needs a running Docker engine, and \`docker info\` fails: ${last}`,
      /permission denied/i.test(last)
        ? 'run as root, or add your user to the docker group (usermod -aG docker $USER) and log in again'
        : 'start Docker (sudo dockerd, or sudo systemctl start docker) and re-run',
    );
  }
  return facts;
}

/** Containers still labelled with the cluster's name (after `kind delete`, there should be none). */
export async function clusterContainers(name: string): Promise<string[]> {
  const r = await run('docker', ['ps', '-a', '--filter', `label=${KIND_CLUSTER_LABEL}=${name}`, '--format', '{{.Names}}'], { reject: false, timeoutMs: 30_000 });
  return r.exitCode === 0 ? r.stdout.split('\n').map((l) => l.trim()).filter(Boolean) : [];
}

/** Removes containers a killed `kind create` may have left after `kind delete` looked (Ctrl-C race). */
export async function removeClusterContainers(name: string, log: Log): Promise<void> {
  const left = await clusterContainers(name);
  if (left.length === 0) return;
  log(`removing leftover node container(s) of ${name}: ${left.join(', ')}`);
  await run('docker', ['rm', '-f', '-v', ...left], { reject: false, timeoutMs: 120_000 });
}

/** The Docker network kind puts every cluster's nodes on (pkg/cluster/internal/providers/docker/network.go). */
export const KIND_NETWORK = 'kind';

export async function networkExists(name: string): Promise<boolean> {
  const r = await run('docker', ['network', 'inspect', '--format', '{{.Name}}', name], { reject: false, timeoutMs: 30_000 });
  return r.exitCode === 0;
}

/**
 * Removes the kind network when this run's `kind create` made it and no container is on it any
 * more (kind itself keeps it for the next cluster). Another cluster's nodes on it: it stays.
 */
export async function removeNetworkIfUnused(name: string, log: Log): Promise<void> {
  const r = await run('docker', ['network', 'inspect', '--format', '{{len .Containers}}', name], { reject: false, timeoutMs: 30_000 });
  if (r.exitCode !== 0) return; // gone already
  if (r.stdout.trim() !== '0') {
    log(`keeping the Docker network ${name}: other containers are on it`);
    return;
  }
  const rm = await run('docker', ['network', 'rm', name], { reject: false, timeoutMs: 60_000 });
  if (rm.exitCode === 0) log(`removed the Docker network ${name} (this run's kind create made it)`);
  else log(`could not remove the Docker network ${name}: ${(rm.stderr || rm.stdout).trim().split('\n').pop() ?? ''}`);
}
