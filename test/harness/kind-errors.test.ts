import { describe, expect, it } from '@jest/globals';
import { SetupError } from '../../harness/common/errors.js';
import { explainCreateFailure } from '../../harness/cluster/kind/kind-errors.js';

const image = 'kindest/node:v1.36.1@sha256:3489c7674813ba5d8b1a9977baea8a6e553784dab7b84759d1014dbd78f7ebd5';

// kind v0.32.0's output on this (offline) machine, as captured by the provider (blank lines dropped).
const offlinePull = [
  'cgroup v1 is deprecated in Kubernetes and will not be supported in a future kind release, please upgrade to cgroup v2',
  'Creating cluster "probe-0cac6c12" ...',
  ' • Ensuring node image (kindest/node:v1.36.1) 🖼  ...',
  ' ✗ Ensuring node image (kindest/node:v1.36.1) 🖼',
  `ERROR: failed to create cluster: failed to pull image "${image}": command "docker pull ${image}" failed with error: exit status 1`,
  'Command Output: Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host',
].join('\n');

describe('explainCreateFailure', () => {
  it('says the node image could not be pulled, with docker\'s reason, and points offline machines to the local provider', () => {
    const err = explainCreateFailure({ exitCode: 1, tail: offlinePull, nodeImage: image, clusterName: 'probe-0cac6c12' });
    expect(err).toBeInstanceOf(SetupError);
    const [cause, fix] = err.message.split('\n');
    expect(cause).toBe(
      `the kind node image ${image} could not be pulled (Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host)`,
    );
    expect(fix).toMatch(/^ {2}fix: .*offline machine use PROBE_PROVIDER=local/);
    expect(err.message).toContain("last lines of kind's output:\n    cgroup v1 is deprecated");
  });

  it('recognises a name clash, a port in use, a node that did not boot and a kubeadm failure', () => {
    const base = { exitCode: 1, nodeImage: image, clusterName: 'probe-x' };
    expect(explainCreateFailure({ ...base, tail: 'ERROR: failed to create cluster: node(s) already exist for a cluster with the name "probe-x"' }).fix).toContain('kind delete cluster --name probe-x');
    expect(explainCreateFailure({ ...base, tail: 'docker: Error response from daemon: driver failed programming external connectivity: Bind for 127.0.0.1:6443 failed: port is already allocated.' }).cause_).toMatch(/API server port/);
    expect(
      explainCreateFailure({ ...base, logsDir: '/r/kind-logs/probe-x', tail: 'ERROR: failed to create cluster: could not find a log line that matches "Reached target .*Multi-User System.*|detected cgroup v1"' }).cause_,
    ).toBe('the node container of probe-x did not boot (systemd inside it never got ready); node logs: /r/kind-logs/probe-x');
    const kubeadm = explainCreateFailure({ ...base, logsDir: '/r/l', tail: 'ERROR: failed to create cluster: failed to init node with kubeadm: command "docker exec --privileged probe-x-control-plane kubeadm init" failed' });
    expect(kubeadm.cause_).toMatch(/^kubeadm could not bring up probe-x/);
    expect(kubeadm.fix).toMatch(/in \/r\/l/);
  });

  it('falls back to the exit code and kind\'s last lines', () => {
    const err = explainCreateFailure({ exitCode: 3, nodeImage: image, clusterName: 'probe-x', tail: 'ERROR: something new' });
    expect(err.cause_).toBe('kind create cluster probe-x failed (exit 3)');
    expect(err.message).toContain('    ERROR: something new');
  });
});
