import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { containerdConfig } from '../../harness/cluster/local/configs.js';
import { makePlan } from '../../harness/cluster/local/plan.js';
import { runtimeBuilds, runtimeCommands } from '../../harness/cluster/local/runtime.js';
import { checkRuntimeBuild } from '../../harness/cluster/preflight/runtime-build.js';
import { repoRoot } from '../../harness/run/config.js';

const facts = { cgroupVersion: 1 as const, negativeOomScoreAdj: false, snapshotter: 'overlayfs' as const };
const base = { cacheDir: '/c', repoRoot: repoRoot(), stateDir: '/var/lib/probe-conformance' };
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the local runtime', () => {
  it("containerd1: Debian's commands from PATH and the version 2 config", () => {
    const plan = makePlan(base, { runtime: runtimeCommands({ ...base, runtime: 'containerd1' }) });
    expect(plan.runtime).toEqual({ name: 'containerd1', containerd: 'containerd', ctr: 'ctr', configVersion: 2 });
    const toml = parse(containerdConfig(plan, plan.nodes[0]!, facts)) as Record<string, any>;
    expect(toml.version).toBe(2);
    expect(toml.plugins['io.containerd.grpc.v1.cri'].sandbox_image).toBe('probe-conformance.local/pause:1');
    expect(toml.plugins['io.containerd.grpc.v1.cri'].cni.bin_dir).toBe(plan.paths.cniPlugins);
  });

  it('containerd2: built commands in the cache; a version 4 config naming its own shim and runc, NRI off, ttrpc beside grpc', () => {
    const commands = runtimeCommands({ ...base, runtime: 'containerd2' });
    expect(commands.containerd).toMatch(/^\/c\/local\/containerd-v2\.\d+\.\d+\/containerd\/containerd$/);
    expect(commands.runc).toMatch(/^\/c\/local\/runc-v1\.\d+\.\d+\/runc$/);
    const plan = makePlan(base, { runtime: commands });
    const node = plan.nodes[0]!;
    const toml = parse(containerdConfig(plan, node, facts)) as Record<string, any>;
    expect(toml.version).toBe(4);
    expect(toml.disabled_plugins).toContain('io.containerd.nri.v1.nri');
    expect(toml.plugins['io.containerd.server.v1.grpc'].address).toBe(node.paths.containerdSocket);
    expect(toml.plugins['io.containerd.server.v1.ttrpc'].address).toBe(`${node.paths.containerdSocket}.ttrpc`);
    expect(toml.plugins['io.containerd.cri.v1.images'].pinned_images.sandbox).toBe(plan.sandboxImage);
    const runc = toml.plugins['io.containerd.cri.v1.runtime'].containerd.runtimes.runc;
    expect(runc.runtime_path).toBe(commands.shim);
    expect(runc.options).toMatchObject({ BinaryName: commands.runc, SystemdCgroup: false, Root: node.paths.runcRoot });
    expect(toml.plugins['io.containerd.cri.v1.runtime'].cni.bin_dirs).toEqual([plan.paths.cniPlugins]);
    expect(toml.plugins['io.containerd.cri.v1.runtime'].cni.conf_dir).toBe(node.paths.cniConf);
    // restrict_oom_score_adj follows the host as with 1.6
    expect(toml.plugins['io.containerd.cri.v1.runtime'].restrict_oom_score_adj).toBe(true);
  });

  it('runc is the one cgo build (static, seccomp); the shim has no_grpc', () => {
    const b = runtimeBuilds(base);
    expect(b.runc).toMatchObject({ env: { CGO_ENABLED: '1' }, tags: expect.stringContaining('seccomp') });
    expect(b.runc.ldflags).toContain('-extldflags -static');
    expect(b.shim.tags).toContain('no_grpc');
    expect(b.containerd.env).toBeUndefined();
  });

  it('the preflight names what the runc build lacks, only for containerd2', () => {
    const root = mkdtempSync(join(tmpdir(), 'runtime-build-'));
    dirs.push(root);
    const bin = join(root, 'bin');
    mkdirSync(bin);
    expect(checkRuntimeBuild('containerd1', { path: bin, root }).problems).toEqual([]);
    const none = checkRuntimeBuild('containerd2', { path: bin, root });
    expect(none.problems[0]!.what).toBe('--runtime containerd2 builds runc with cgo and libseccomp, and gcc, libc6-dev, libseccomp-dev are not installed');
    expect(none.problems[0]!.fix).toContain('libseccomp-dev');
    writeFileSync(join(bin, 'gcc'), '#!/bin/sh\n');
    chmodSync(join(bin, 'gcc'), 0o755);
    mkdirSync(join(root, 'usr/include'), { recursive: true });
    writeFileSync(join(root, 'usr/include/stdio.h'), '');
    mkdirSync(join(root, 'usr/lib/x86_64-linux-gnu'), { recursive: true });
    writeFileSync(join(root, 'usr/lib/x86_64-linux-gnu/libseccomp.a'), '');
    expect(checkRuntimeBuild('containerd2', { path: bin, root }).problems).toEqual([]);
  });
});
