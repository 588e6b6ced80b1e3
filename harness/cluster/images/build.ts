import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DockerBuildProgress, LineTail } from '../docker/cli.js';
import type { BaseMode } from '../../run/config.js';
import { SetupError } from '../../common/errors.js';
import type { Log } from '../../common/log.js';
import { runWithProgress } from '../process/run-with-progress.js';
import { ensureOfflineBases, type OfflineBaseKind } from './offline-bases.js';

/**
 * The demo images: every images/<folder>/Dockerfile is one image (adding a folder adds an image).
 *
 * A Dockerfile must start with `ARG BASE=<official image>` and `FROM ${BASE}`. The image is tagged
 * probe-conformance/<folder>:1 (never :latest, so a kubelet's default pull policy is IfNotPresent
 * and never tries a registry), unless images/<folder>/image.json declares another reference:
 *   { "ref": "probe-conformance/<name>:<tag>", "offlineBase": "debian" | "busybox" }
 * offlineBase picks the offline base passed as BASE; by default "busybox" when the official base
 * is a busybox image, else "debian".
 */
export type { BaseMode } from '../../run/config.js';

export interface DemoImage {
  /** Folder name under images/, e.g. node-server. */
  folder: string;
  dir: string;
  dockerfile: string;
  /** The image reference built, e.g. probe-conformance/node-server:1. */
  ref: string;
  /** The Dockerfile's default BASE (the official image), e.g. node:20-bookworm-slim. */
  officialBase: string;
  /** Which offline base replaces it in offline mode. */
  offlineBase: OfflineBaseKind;
}

export const IMAGE_TAG = '1';

const ImageJson = z
  .object({
    ref: z
      .string()
      .regex(/^[a-z0-9]+(?:[._/-][a-z0-9]+)*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'must be name:tag (lower-case name, explicit tag)')
      .refine((r) => !r.endsWith(':latest'), 'must not use the tag latest')
      .optional(),
    offlineBase: z.enum(['debian', 'busybox']).optional(),
  })
  .strict();

/** The ARG BASE default of a Dockerfile, checking that it starts with ARG BASE=... then FROM ${BASE}. */
function parseDockerfile(folder: string, text: string): string {
  const instructions = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const arg = /^ARG\s+BASE=(\S+)$/i.exec(instructions[0] ?? '');
  const from = /^FROM\s+(\$\{BASE\}|\$BASE)(\s+AS\s+\S+)?$/i.exec(instructions[1] ?? '');
  if (!arg?.[1] || !from) {
    throw new SetupError(
      `images/${folder}/Dockerfile does not start with \`ARG BASE=<official image>\` then \`FROM \${BASE}\``,
      'make those its first two instructions, so that the harness can pass an offline base',
    );
  }
  return arg[1];
}

function defaultOfflineBase(officialBase: string): OfflineBaseKind {
  const name = officialBase.split('@')[0]!.split(':')[0]!;
  return name.split('/').pop() === 'busybox' ? 'busybox' : 'debian';
}

/** Every demo image under <repoRoot>/images, sorted by folder. */
export function listDemoImages(repoRoot: string): DemoImage[] {
  const root = join(repoRoot, 'images');
  if (!existsSync(root)) return [];
  const images: DemoImage[] = [];
  for (const folder of readdirSync(root).sort()) {
    const dir = join(root, folder);
    const dockerfile = join(dir, 'Dockerfile');
    if (!statSync(dir).isDirectory() || !existsSync(dockerfile)) continue;
    const officialBase = parseDockerfile(folder, readFileSync(dockerfile, 'utf8'));
    let meta: z.infer<typeof ImageJson> = {};
    const metaFile = join(dir, 'image.json');
    if (existsSync(metaFile)) {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(metaFile, 'utf8'));
      } catch (err) {
        throw new SetupError(`images/${folder}/image.json is not valid JSON (${(err as Error).message})`, 'fix the file');
      }
      const parsed = ImageJson.safeParse(raw);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
        throw new SetupError(`images/${folder}/image.json is invalid: ${problems}`, 'allowed: {"ref": "probe-conformance/<name>:<tag>", "offlineBase": "debian"|"busybox"}');
      }
      meta = parsed.data;
    }
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(folder) && !meta.ref) {
      throw new SetupError(`images/${folder}: the folder name is not a valid image name`, 'rename it (lower case, digits, ._-) or set "ref" in image.json');
    }
    images.push({
      folder,
      dir,
      dockerfile,
      ref: meta.ref ?? `probe-conformance/${folder}:${IMAGE_TAG}`,
      officialBase,
      offlineBase: meta.offlineBase ?? defaultOfflineBase(officialBase),
    });
  }
  return images;
}

/** A docker build that failed: names the image folder and carries the last lines of its output. */
export class ImageBuildError extends Error {
  constructor(
    readonly folder: string,
    readonly ref: string,
    readonly exitCode: number,
    readonly tail: string,
  ) {
    super(`building images/${folder} (${ref}) failed (docker build exit ${exitCode}); last lines:\n${tail}`);
    this.name = 'ImageBuildError';
  }
}

export interface BuildDemoImagesOptions {
  /** RunConfig.imageBases. */
  baseMode: BaseMode;
  /** RunConfig.debianMirror, for offline bases. */
  debianMirror?: string | undefined;
  cacheDir: string;
  repoRoot: string;
  log: Log;
  /** Build only these folders (default: all). */
  only?: string[];
  /** Milliseconds between progress lines of a long build (default 30 s). */
  progressEveryMs?: number;
}

const REGISTRY_TROUBLE =
  /pull access denied|no such host|dial tcp|i\/o timeout|TLS handshake timeout|connection refused|toomanyrequests|manifest unknown|server misbehaving/i;

/** Builds the demo images and returns their references (in listDemoImages order). */
export async function buildDemoImages(options: BuildDemoImagesOptions): Promise<string[]> {
  const { baseMode, log } = options;
  let images = listDemoImages(options.repoRoot);
  if (options.only) {
    const unknown = options.only.filter((f) => !images.some((i) => i.folder === f));
    if (unknown.length > 0) throw new Error(`no demo image folder(s) ${unknown.join(', ')} under ${join(options.repoRoot, 'images')}`);
    images = images.filter((i) => options.only!.includes(i.folder));
  }
  if (images.length === 0) return [];
  const bases = baseMode === 'offline' ? await ensureOfflineBases({ cacheDir: options.cacheDir, mirror: options.debianMirror, log, progressEveryMs: options.progressEveryMs }) : undefined;
  const refs: string[] = [];
  for (const image of images) {
    const base = bases ? bases[image.offlineBase] : image.officialBase;
    const args = ['build', '--force-rm', '-t', image.ref, '--label', `org.probe-conformance.image=${image.folder}`, '-f', image.dockerfile];
    if (bases) args.push('--build-arg', `BASE=${base}`);
    args.push(image.dir);
    const started = Date.now();
    const tail = new LineTail(40);
    const progress = new DockerBuildProgress();
    const r = await runWithProgress('docker', args, { log, what: `building ${image.ref}`, progress, tail, timeoutMs: 30 * 60_000, everyMs: options.progressEveryMs });
    if (r.exitCode !== 0) {
      const text = tail.text(20);
      if (baseMode === 'official' && REGISTRY_TROUBLE.test(text)) {
        throw new SetupError(
          `building images/${image.folder} needs the base image ${base} from a registry, which is not reachable (${text.split('\n').filter(Boolean).pop()})`,
          'set PROBE_IMAGE_BASES=offline to build the bases locally with debootstrap',
        );
      }
      throw new ImageBuildError(image.folder, image.ref, r.exitCode, text);
    }
    log(`built ${image.ref} from ${base} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    refs.push(image.ref);
  }
  return refs;
}
