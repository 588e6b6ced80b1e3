import { describe, expect, test } from '@jest/globals';
import { mountsUnder } from '../../harness/cluster/local/leftovers.js';

const mountinfo = [
  '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/vda rw',
  '30 22 0:5 / /run rw shared:5 - tmpfs tmpfs rw',
  '41 22 0:40 / /var/lib/probe-conformance/local/kubelet/pods/abc/volumes/kubernetes.io~projected/kube-api-access-x rw - tmpfs tmpfs rw',
  '42 30 0:4 net:[4026532] /run/probe-conformance/local/containerd/netns/cni-1 rw shared:9 - nsfs nsfs rw',
  '43 22 0:41 / /var/lib/probe-conformance/local/containerd/io.containerd.grpc.v1.cri/sandboxes/x/shm rw - tmpfs shm rw',
  '44 22 0:42 / /var/lib/probe-conformance/local-other/x rw - tmpfs tmpfs rw',
  '45 22 0:43 / /var/lib/probe-conformance/local/with\\040space rw - tmpfs tmpfs rw',
].join('\n');

describe('mountsUnder', () => {
  test('finds only mounts under the cluster dirs, deepest first, with escaped spaces decoded', () => {
    const found = mountsUnder(mountinfo, ['/var/lib/probe-conformance/local', '/run/probe-conformance/local']);
    expect(found).toEqual([
      '/var/lib/probe-conformance/local/kubelet/pods/abc/volumes/kubernetes.io~projected/kube-api-access-x',
      '/var/lib/probe-conformance/local/containerd/io.containerd.grpc.v1.cri/sandboxes/x/shm',
      '/run/probe-conformance/local/containerd/netns/cni-1',
      '/var/lib/probe-conformance/local/with space',
    ]);
  });
});
