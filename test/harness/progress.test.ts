import { describe, expect, it } from '@jest/globals';
import { DockerBuildProgress } from '../../harness/cluster/docker/cli.js';
import { DebootstrapProgress } from '../../harness/cluster/images/offline-bases.js';
import { formatElapsed, withProgress } from '../../harness/common/progress.js';
import { GoBuildProgress, isPackageLine } from '../../harness/cluster/local/binaries.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const refTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('withProgress', () => {
  it('logs what runs, its status and the elapsed time every interval, and stops when the job ends', async () => {
    const lines: string[] = [];
    let n = 0;
    const result = await withProgress(
      async () => {
        await sleep(175);
        return 'done';
      },
      { log: (l) => lines.push(l), what: 'building thing', status: () => `step ${++n}`, everyMs: 40 },
    );
    expect(result).toBe('done');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.length).toBeLessThanOrEqual(4);
    expect(lines[0]).toMatch(/^building thing: step 1, 0\.\d s elapsed$/);
    expect(lines[1]).toMatch(/^building thing: step 2, /);
    const count = lines.length;
    await sleep(100);
    expect(lines).toHaveLength(count);
  });

  it('stops on failure too, and passes the error on', async () => {
    const lines: string[] = [];
    await expect(
      withProgress(
        async () => {
          await sleep(70);
          throw new Error('boom');
        },
        { log: (l) => lines.push(l), what: 'x', everyMs: 25 },
      ),
    ).rejects.toThrow('boom');
    const count = lines.length;
    expect(count).toBeGreaterThanOrEqual(1);
    expect(lines[0]).toMatch(/^x: 0\.\d s elapsed$/); // no status callback: elapsed only
    await sleep(60);
    expect(lines).toHaveLength(count);
  });

  it('never keeps the process alive (its timer is unref-ed) and survives a throwing status', async () => {
    const lines: string[] = [];
    let release!: () => void;
    const before = refTimers();
    const p = withProgress(() => new Promise<void>((resolve) => (release = resolve)), {
      log: (l) => lines.push(l),
      what: 'w',
      status: () => {
        throw new Error('no idea');
      },
      everyMs: 20,
    });
    expect(refTimers()).toBe(before);
    await sleep(50);
    release();
    await p;
    expect(lines[0]).toMatch(/^w: \(no status: no idea\), /);
  });

  it('counts the elapsed time from `since` (a step of a longer job)', async () => {
    const lines: string[] = [];
    await withProgress(() => sleep(45), { log: (l) => lines.push(l), what: 'w', status: () => 'x', everyMs: 30, since: Date.now() - 61_000 });
    expect(lines).toEqual(['w: x, 1 min 01 s elapsed']);
  });

  it('formats elapsed time', () => {
    expect(formatElapsed(420)).toBe('0.4 s');
    expect(formatElapsed(42_000)).toBe('42 s');
    expect(formatElapsed(185_000)).toBe('3 min 05 s');
  });
});

describe('status from build output', () => {
  it('go: module downloads, then compiled packages of the total', () => {
    const p = new GoBuildProgress(2105);
    expect(p.status()).toBe('loading the packages (none compiled yet)');
    p.push('go: downloading k8s.io/kubernetes v1.35.4');
    p.push('go: downloading k8s.io/api v0.35.4');
    expect(p.status()).toBe('downloading modules, 2 so far (last k8s.io/api v0.35.4)');
    for (const line of ['internal/goarch', 'runtime', '# k8s.io/foo', 'pkg/foo.go:12:3: undefined: x', 'k8s.io/kubernetes/pkg/kubelet']) p.push(line);
    expect(p.status()).toBe('compiled 3 of ~2105 packages (last k8s.io/kubernetes/pkg/kubelet)');
    expect(new GoBuildProgress().status()).toBe('loading the packages (none compiled yet)');
    const unknown = new GoBuildProgress();
    unknown.push('probe-conformance.local/pause');
    expect(unknown.status()).toBe('compiled 1 packages so far (last probe-conformance.local/pause)');
    expect(isPackageLine('go: downloading x v1')).toBe(false);
    expect(isPackageLine('github.com/google/cel-go/common/types/ref')).toBe(true);
  });

  it('debootstrap: the package it is at and the counts of each phase', () => {
    const p = new DebootstrapProgress();
    p.push('I: Retrieving InRelease ');
    p.push('I: Resolving dependencies of required packages...');
    expect(p.status()).toBe('Resolving dependencies of required packages');
    for (const line of ['I: Retrieving adduser 3.134', 'I: Validating adduser 3.134', 'I: Retrieving apt 2.6.1', 'I: Validating apt 2.6.1', 'I: Retrieving base-files 12.4+deb12u11']) p.push(line);
    expect(p.status()).toBe('Retrieving base-files (retrieved 3 packages)');
    for (const line of ['I: Chosen extractor for .deb packages: dpkg-deb', 'I: Extracting adduser...', 'I: Extracting apt...', 'I: Extracting base-files...', 'I: Installing core packages...', 'I: Unpacking required packages...', 'I: Unpacking adduser...', 'I: Unpacking apt:amd64...', 'I: Configuring required packages...', 'I: Configuring apt:amd64...']) {
      p.push(line);
    }
    expect(p.status()).toBe('Configuring apt (retrieved 3, extracted 3 of 3, unpacked 2 of 3, configured 1 of 3 packages)');
    expect(p.packages()).toBe(3);
  });

  it('docker build: the last step and the latest line under it (legacy builder and BuildKit)', () => {
    const legacy = new DockerBuildProgress();
    expect(legacy.status()).toBeUndefined();
    legacy.push('Step 1/4 : FROM probe-conformance/base-minbase:bookworm-abc');
    legacy.push(' ---> 3f2a1b');
    legacy.push('Step 2/4 : ARG DEBIAN_FRONTEND=noninteractive');
    legacy.push('Step 3/4 : RUN apt-get update && apt-get install -y --no-install-recommends nodejs nginx-light procps busybox-static     && apt-get clean');
    legacy.push(' ---> Running in 5d1c');
    legacy.push('Get:12 http://mirror.example.org/debian bookworm/main amd64 nodejs amd64 18.20.4+dfsg-1~deb12u1 [11.2 MB]');
    expect(legacy.status()).toBe(
      'step 3/4: RUN apt-get update && apt-get install -y --no-install-recommends node… (latest: Get:12 http://mirror.example.org/debian bookworm/main amd64 nodejs amd64 18.20.…)',
    );
    const kit = new DockerBuildProgress();
    kit.push('#1 [internal] load build definition from Dockerfile');
    kit.push('#1 DONE 0.0s');
    kit.push('#5 [2/3] RUN apt-get update');
    kit.push('#5 1.234 Setting up nginx-light (1.22.1-9) ...');
    kit.push('#5 DONE 14.2s');
    expect(kit.status()).toBe('step 2/3: RUN apt-get update (latest: Setting up nginx-light (1.22.1-9) ...)');
    kit.push('#7 [stage-1 1/2] COPY --from=source /bin/busybox /bin/busybox');
    expect(kit.status()).toBe('step 1/2: COPY --from=source /bin/busybox /bin/busybox');
  });
});
