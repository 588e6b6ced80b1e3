// harness/cluster/images/build.ts: discovery of images/*/Dockerfile, naming, and build failures.
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig, repoRoot } from '../../harness/run/config.js';
import { chooseForThisMachine, makeChoices } from '../../harness/cluster/registry-choice.js';
import { dockerImageExists } from '../../harness/cluster/docker/cli.js';
import { ensureDockerEngine } from '../../harness/cluster/docker/engine.js';
import { SetupError } from '../../harness/common/errors.js';
import { buildDemoImages, ImageBuildError, listDemoImages } from '../../harness/cluster/images/build.js';
import { offlineBaseRefs } from '../../harness/cluster/images/offline-bases.js';
import { run } from '../../harness/cluster/process/run.js';
import { BUILD_TIMEOUT_MS, describeWithDocker } from './support.js';

const scratch: string[] = [];
afterAll(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

/** A throwaway repo root with the given images/<folder>/<file> contents. */
function fakeRepo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'probe-images-'));
  scratch.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, 'images', path, '..'), { recursive: true });
    writeFileSync(join(root, 'images', path), text);
  }
  return root;
}

describe('listDemoImages', () => {
  test('finds the three demo images of this repository, tagged probe-conformance/<folder>:1', () => {
    const images = listDemoImages(repoRoot());
    expect(images.map((i) => [i.folder, i.ref, i.officialBase, i.offlineBase])).toEqual([
      ['busybox', 'probe-conformance/busybox:1', 'busybox:1.36', 'busybox'],
      ['nginx', 'probe-conformance/nginx:1', 'nginx:1.27', 'debian'],
      ['node-server', 'probe-conformance/node-server:1', 'node:20-bookworm-slim', 'debian'],
    ]);
  });

  test('a new folder is a new image; image.json can rename it; folders without a Dockerfile are skipped', () => {
    const root = fakeRepo({
      'aaa/Dockerfile': '# comment first is fine\nARG BASE=debian:bookworm\nFROM ${BASE}\n',
      'bbb/Dockerfile': 'ARG BASE=library/busybox:1.36\nFROM $BASE\n',
      'bbb/image.json': '{"ref": "probe-conformance/other-name:7", "offlineBase": "debian"}',
      'ccc/README': 'no Dockerfile here',
    });
    expect(listDemoImages(root).map((i) => [i.folder, i.ref, i.offlineBase])).toEqual([
      ['aaa', 'probe-conformance/aaa:1', 'debian'],
      ['bbb', 'probe-conformance/other-name:7', 'debian'],
    ]);
  });

  test('rejects a Dockerfile without ARG BASE / FROM ${BASE}, and a :latest tag', () => {
    const noArg = fakeRepo({ 'x/Dockerfile': 'FROM debian:bookworm\n' });
    expect(() => listDemoImages(noArg)).toThrow(SetupError);
    expect(() => listDemoImages(noArg)).toThrow(/images\/x\/Dockerfile does not start with `ARG BASE=/);
    const latest = fakeRepo({ 'y/Dockerfile': 'ARG BASE=debian:bookworm\nFROM ${BASE}\n', 'y/image.json': '{"ref": "probe-conformance/y:latest"}' });
    expect(() => listDemoImages(latest)).toThrow(/images\/y\/image.json is invalid: ref: must not use the tag latest/);
  });

  test('PROBE_IMAGE_BASES selects the base mode (auto: offline with the local provider)', async () => {
    expect(readConfig({}).imageBases).toBe('auto');
    expect((await makeChoices(readConfig({}))).config.imageBases).toBe('offline');
    expect(readConfig({ PROBE_IMAGE_BASES: 'official' }).imageBases).toBe('official');
    expect(() => readConfig({ PROBE_IMAGE_BASES: 'dockerhub' })).toThrow(SetupError);
  });
});

describeWithDocker('buildDemoImages', () => {
  test(
    'a failing build throws an error naming the folder and the last lines of output',
    async () => {
      await ensureDockerEngine(() => {}, readConfig());
      const root = fakeRepo({
        'broken/Dockerfile': 'ARG BASE=busybox:1.36\nFROM ${BASE}\nRUN echo marker-before-failure-4711 && exit 3\n',
      });
      const mode = (await chooseForThisMachine(readConfig(), () => {})).imageBases;
      const err = await buildDemoImages({ baseMode: mode, cacheDir: readConfig().cacheDir, repoRoot: root, log: () => {} }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ImageBuildError);
      const e = err as ImageBuildError;
      expect(e.folder).toBe('broken');
      expect(e.message).toMatch(/^building images\/broken \(probe-conformance\/broken:1\) failed/);
      expect(e.tail).toContain('marker-before-failure-4711');
      expect(await dockerImageExists('probe-conformance/broken:1')).toBe(false);
    },
    BUILD_TIMEOUT_MS,
  );

  (readConfig().imageBases !== 'official' ? test : test.skip)(
    'offline mode builds FROM the offline bases and returns the references',
    async () => {
      await ensureDockerEngine(() => {}, readConfig());
      const root = fakeRepo({
        'tiny/Dockerfile': 'ARG BASE=busybox:1.36\nFROM ${BASE}\nRUN echo built > /built\n',
      });
      const lines: string[] = [];
      const refs = await buildDemoImages({ baseMode: 'offline', cacheDir: readConfig().cacheDir, repoRoot: root, log: (l) => lines.push(l) });
      try {
        expect(refs).toEqual(['probe-conformance/tiny:1']);
        expect(lines.join('\n')).toContain(`built probe-conformance/tiny:1 from ${offlineBaseRefs().busybox}`);
        expect(await dockerImageExists(offlineBaseRefs().debian)).toBe(true);
      } finally {
        await run('docker', ['rmi', '-f', 'probe-conformance/tiny:1'], { reject: false });
      }
    },
    BUILD_TIMEOUT_MS,
  );
});
