import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DockerBuildProgress, LineTail } from '../cluster/docker/cli.js';
import type { Log } from '../common/log.js';
import { run } from '../cluster/process/run.js';
import { runWithProgress } from '../cluster/process/run-with-progress.js';

/**
 * Upstream's test image agnhost, built with docker from harness/upstream/agnhost/Dockerfile on a
 * Debian base (the offline one, or the official image when the run uses official bases) and
 * tagged with the name e2e.test asks for. The context is made under the cache: the Dockerfile,
 * the agnhost binary, and the porter folder's localhost.crt/.key from the module source.
 *
 * Skipped when Docker already has the tag with the label org.probe-conformance.key equal to the
 * hash of everything that goes in (Dockerfile, binary, certificates, base reference).
 */
export const AGNHOST_DOCKERFILE_DIR = ['harness', 'upstream', 'agnhost'] as const;
const KEY_LABEL = 'org.probe-conformance.key';

export interface AgnhostImageOptions {
  repoRoot: string;
  /** e.g. registry.k8s.io/e2e-test-images/agnhost:2.59 */
  ref: string;
  agnhostBinary: string;
  /** k8s.io/kubernetes module source (test/images/agnhost/porter/ holds the certificate). */
  kubernetesSource: string;
  /** The BASE build argument; undefined: the Dockerfile's default (official Debian). */
  base: string | undefined;
  /** Where the build context is assembled (emptied first). */
  workDir: string;
  log: Log;
  progressEveryMs?: number;
}

function inputs(options: AgnhostImageOptions): { dockerfile: string; files: [string, string][] } {
  const porter = join(options.kubernetesSource, 'test', 'images', 'agnhost', 'porter');
  return {
    dockerfile: join(options.repoRoot, ...AGNHOST_DOCKERFILE_DIR, 'Dockerfile'),
    files: [
      ['agnhost', options.agnhostBinary],
      ['localhost.crt', join(porter, 'localhost.crt')],
      ['localhost.key', join(porter, 'localhost.key')],
    ],
  };
}

/** The hash the image is labelled with. */
export function agnhostImageKey(options: AgnhostImageOptions): string {
  const { dockerfile, files } = inputs(options);
  const hash = createHash('sha256').update(`base ${options.base ?? '(default)'}\n`).update(readFileSync(dockerfile));
  for (const [name, path] of files) hash.update(`\n${name}\n`).update(readFileSync(path));
  return hash.digest('hex').slice(0, 16);
}

async function labelOf(ref: string): Promise<string | undefined> {
  const r = await run('docker', ['image', 'inspect', '--format', `{{ index .Config.Labels "${KEY_LABEL}" }}`, ref], { reject: false, timeoutMs: 60_000 });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/** Builds the agnhost image unless Docker has it with the same inputs; returns its reference. */
export async function ensureAgnhostImage(options: AgnhostImageOptions): Promise<string> {
  const { ref, log } = options;
  const key = agnhostImageKey(options);
  if ((await labelOf(ref)) === key) return ref;
  const { dockerfile, files } = inputs(options);
  rmSync(options.workDir, { recursive: true, force: true });
  mkdirSync(options.workDir, { recursive: true });
  copyFileSync(dockerfile, join(options.workDir, 'Dockerfile'));
  for (const [name, path] of files) copyFileSync(path, join(options.workDir, name));
  const args = ['build', '--force-rm', '-t', ref, '--label', `${KEY_LABEL}=${key}`, ...(options.base ? ['--build-arg', `BASE=${options.base}`] : []), options.workDir];
  const started = Date.now();
  const tail = new LineTail(40);
  const r = await runWithProgress('docker', args, { log, what: `building ${ref}`, progress: new DockerBuildProgress(), tail, timeoutMs: 30 * 60_000, everyMs: options.progressEveryMs });
  rmSync(options.workDir, { recursive: true, force: true });
  if (r.exitCode !== 0) throw new Error(`building ${ref} from ${dockerfile} failed (docker build exit ${r.exitCode}); last lines:\n${tail.text(20)}`);
  log(`built ${ref} from ${options.base ?? 'the official Debian image'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return ref;
}
