import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SetupError } from '../../common/errors.js';
import type { Log } from '../../common/log.js';
import { run, which } from '../process/run.js';
import type { LocalNode, LocalPlan } from './plan.js';

/**
 * Images in the cluster's containerds (one per node) without any registry: the sandbox (pause)
 * image is written here as a docker-archive tar holding one static binary; other images come
 * from the local Docker engine (`docker save`, once). Both are imported with `ctr images import`
 * into the k8s.io namespace, which is where the CRI looks, of every node's containerd.
 */
export interface TarEntry {
  name: string;
  mode: number;
  data: Buffer;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** A POSIX ustar archive of regular files (owner root, mtime 0, so the bytes are reproducible). */
export function tar(entries: TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    if (Buffer.byteLength(entry.name) > 99) throw new Error(`tar entry name too long: ${entry.name}`);
    const header = Buffer.alloc(512);
    header.write(entry.name, 0, 'utf8');
    header.write(octal(entry.mode, 8), 100, 'ascii');
    header.write(octal(0, 8), 108, 'ascii');
    header.write(octal(0, 8), 116, 'ascii');
    header.write(octal(entry.data.length, 12), 124, 'ascii');
    header.write(octal(0, 12), 136, 'ascii');
    header.write('        ', 148, 'ascii');
    header.write('0', 156, 'ascii');
    header.write('ustar\0', 257, 'ascii');
    header.write('00', 263, 'ascii');
    header.write('root', 265, 'ascii');
    header.write('root', 297, 'ascii');
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
    blocks.push(header, entry.data);
    const pad = (512 - (entry.data.length % 512)) % 512;
    if (pad) blocks.push(Buffer.alloc(pad));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function goArch(arch: string = process.arch): string {
  return ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[arch] ?? arch;
}

/** A docker-archive (what `docker save` writes) of a one-file image whose entrypoint is that file. */
export function singleBinaryImage(tag: string, binaryName: string, binary: Buffer): Buffer {
  const layer = tar([{ name: binaryName, mode: 0o755, data: binary }]);
  const layerId = sha256(layer);
  const config = JSON.stringify({
    architecture: goArch(),
    os: 'linux',
    config: { Entrypoint: [`/${binaryName}`], WorkingDir: '/' },
    rootfs: { type: 'layers', diff_ids: [`sha256:${layerId}`] },
    history: [{ created: '1970-01-01T00:00:00Z', created_by: `probe-conformance: /${binaryName}` }],
  });
  const configName = `${sha256(config)}.json`;
  const manifest = JSON.stringify([{ Config: configName, RepoTags: [tag], Layers: [`${layerId}/layer.tar`] }]);
  return tar([
    { name: configName, mode: 0o644, data: Buffer.from(config) },
    { name: `${layerId}/layer.tar`, mode: 0o644, data: layer },
    { name: 'manifest.json', mode: 0o644, data: Buffer.from(manifest) },
  ]);
}

/** The full reference containerd stores for a Docker-style name (busybox:1.36 -> docker.io/library/busybox:1.36). */
export function normalizeImageRef(ref: string): string {
  let name = ref;
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  if (slash < 0) name = `docker.io/library/${name}`;
  else if (!first.includes('.') && !first.includes(':') && first !== 'localhost') name = `docker.io/${name}`;
  const lastPart = name.slice(name.lastIndexOf('/') + 1);
  if (!lastPart.includes(':') && !name.includes('@')) name = `${name}:latest`;
  return name;
}

function ctrArgs(node: LocalNode, ...args: string[]): string[] {
  return ['--address', node.paths.containerdSocket, '--namespace', 'k8s.io', ...args];
}

export async function listImages(plan: LocalPlan, node: LocalNode): Promise<string[]> {
  const r = await run(plan.runtime.ctr, ctrArgs(node, 'images', 'list', '--quiet'), { timeoutMs: 60_000 });
  return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

/** Imports a docker-archive/OCI tar into a node's containerd and checks the names arrived. */
export async function importArchive(plan: LocalPlan, node: LocalNode, archive: string, expected: string[], snapshotter: string): Promise<void> {
  await run(plan.runtime.ctr, ctrArgs(node, 'images', 'import', '--snapshotter', snapshotter, '--digests', archive), { timeoutMs: 15 * 60_000 });
  const present = new Set(await listImages(plan, node));
  const missing = expected.map(normalizeImageRef).filter((name) => !present.has(name));
  if (missing.length > 0) {
    throw new SetupError(
      `ctr images import did not create ${missing.join(', ')} in ${node.daemons.containerd} (node ${node.name})`,
      `check the archive (tar tf ${archive}) and the containerd log ${join(plan.paths.logs, `${node.daemons.containerd}.log`)}`,
    );
  }
}

export async function importSandboxImage(plan: LocalPlan, node: LocalNode, pauseBinary: string, snapshotter: string): Promise<void> {
  mkdirSync(plan.paths.tmp, { recursive: true });
  const archive = join(plan.paths.tmp, `pause-${node.number}.tar`);
  writeFileSync(archive, singleBinaryImage(plan.sandboxImage, 'pause', readFileSync(pauseBinary)));
  try {
    await importArchive(plan, node, archive, [plan.sandboxImage], snapshotter);
  } finally {
    rmSync(archive, { force: true });
  }
}

/** docker save ... | ctr images import (into every node's containerd): makes local Docker images usable by pods (imagePullPolicy IfNotPresent/Never). */
export async function loadDockerImages(plan: LocalPlan, images: string[], snapshotter: string, log: Log): Promise<void> {
  if (images.length === 0) return;
  if (!(await which('docker'))) {
    throw new SetupError('docker is needed to load the demo images into the local cluster', 'apt-get install -y docker.io');
  }
  mkdirSync(plan.paths.tmp, { recursive: true });
  const archive = join(plan.paths.tmp, `images-${process.pid}-${Date.now()}.tar`);
  const where = plan.nodes.length > 1 ? `the containerds of ${plan.nodes.length} nodes` : "the cluster's containerd";
  log(`loading ${images.length} image(s) into ${where}: ${images.join(' ')}`);
  try {
    await run('docker', ['save', '--output', archive, ...images], { timeoutMs: 15 * 60_000 });
    for (const node of plan.nodes) await importArchive(plan, node, archive, images, snapshotter);
  } finally {
    rmSync(archive, { force: true });
  }
}
