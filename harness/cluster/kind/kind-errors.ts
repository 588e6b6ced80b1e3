import { SetupError } from '../../common/errors.js';

/**
 * Turns the end of a failed `kind create cluster`'s output into a SetupError whose fix line
 * names what to do. Pure, so each known failure is unit-tested with kind's real wording.
 */
export interface CreateFailure {
  exitCode: number;
  /** The last lines of kind's combined output. */
  tail: string;
  nodeImage: string;
  clusterName: string;
  /** Where `kind export logs` put the nodes' logs, if anything was left to export. */
  logsDir?: string;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

/** The most telling line of docker's own error (kind prints it after "Command Output:"). */
function dockerReason(tail: string): string | undefined {
  const lines = tail.split('\n').map((l) => l.trim()).filter(Boolean);
  const daemon = lines.filter((l) => /Error response from daemon:|dial tcp|lookup .* on |no such host|i\/o timeout|connection refused|TLS handshake|manifest unknown|not found|unauthorized|toomanyrequests/i.test(l) && !/^ERROR: failed to create cluster/.test(l));
  return daemon[daemon.length - 1]?.replace(/^Command Output:\s*/, '');
}

/**
 * The tail goes after the fix line, so the first two lines of the message (what global setup
 * hands to every scenario) are the cause and the fix.
 */
export function explainCreateFailure(f: CreateFailure): SetupError {
  const error = (cause: string, fix: string) => new SetupError(cause, `${fix}\n  last lines of kind's output:\n${indent(f.tail || '(none)')}`);
  const logs = f.logsDir ? `; node logs: ${f.logsDir}` : '';
  if (/failed to pull image/i.test(f.tail)) {
    const reason = dockerReason(f.tail);
    return error(
      `the kind node image ${f.nodeImage} could not be pulled${reason ? ` (${reason})` : ''}`,
      'this machine cannot reach its container registry (Docker Hub): on an offline machine use PROBE_PROVIDER=local; ' +
        'or `docker load` the image (saved with `docker save` where Docker Hub is reachable), or set PROBE_KIND_NODE_IMAGE to a kindest/node image already in `docker images`',
    );
  }
  if (/node\(s\) already exist for a cluster with the name/i.test(f.tail)) {
    return error(`a kind cluster named ${f.clusterName} already exists`, `delete it (kind delete cluster --name ${f.clusterName}) and re-run`);
  }
  if (/port is already allocated|address already in use/i.test(f.tail)) {
    return error(`kind could not publish the API server port of ${f.clusterName}`, 'free the port (docker ps shows what holds it) and re-run');
  }
  if (/could not find a log line that matches/i.test(f.tail)) {
    return error(
      `the node container of ${f.clusterName} did not boot (systemd inside it never got ready)${logs}`,
      'read the node logs; this is usually the host cgroup setup (cgroup v2, or cgroup v1 with cgroupns) or too little memory',
    );
  }
  if (/failed to init node with kubeadm|failed to join node with kubeadm/i.test(f.tail)) {
    return error(
      `kubeadm could not bring up ${f.clusterName} in the node container(s) (image ${f.nodeImage})${logs}`,
      `read the kubelet and kubeadm logs${f.logsDir ? ` in ${f.logsDir}` : ''} (kubelet.log, journal.log); try another PROBE_KIND_NODE_IMAGE, or PROBE_PROVIDER=local`,
    );
  }
  return error(`kind create cluster ${f.clusterName} failed (exit ${f.exitCode})${logs}`, `read kind's last lines below${f.logsDir ? ` and the node logs in ${f.logsDir}` : ''}, fix the cause and re-run`);
}
