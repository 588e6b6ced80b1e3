import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type GoBuild, gobuildDir, goBuild } from '../../harness/cluster/local/binaries.js';

// A real `go build` of the pause module (standard library only: no network) with a GOCACHE of its
// own, so that it compiles the ~60 standard packages it needs (about 15 s on 2 cores) and shows progress.
const hasGo = existsSync('/usr/local/go/bin/go') || spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
// Made in beforeAll, not at load: with -t filtering out every test, neither hook runs (no leak).
let tmp = '';
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'gobuild-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('goBuild progress', () => {
  (hasGo ? it : it.skip)(
    'counts packages against `go list -deps`, records the count for the next build, and keeps the log',
    async () => {
      const build: GoBuild = {
        name: 'pause',
        moduleDir: join(gobuildDir(repoRoot), 'pause'),
        outDir: join(tmp, 'out'),
        binary: 'pause',
        ldflags: '-s -w',
        timeoutMs: 5 * 60_000,
        env: { GOCACHE: join(tmp, 'gocache') },
        progressEveryMs: 1000,
      };
      const lines: string[] = [];
      const out = await goBuild(build, (l) => lines.push(l));
      expect(out).toBe(join(tmp, 'out', 'pause'));
      expect(lines[0]).toMatch(/^building pause \(.*\) with go\S+; log: .*build\.log$/);
      const progress = lines.filter((l) => l.startsWith('building pause: '));
      expect(progress.length).toBeGreaterThanOrEqual(1);
      for (const l of progress) expect(l).toMatch(/^building pause: (loading the packages.*|compiled \d+ of ~\d+ packages \(last \S+\)), \d+(\.\d)? s elapsed$/);
      expect(progress.some((l) => /compiled \d+ of ~\d+ packages/.test(l))).toBe(true);
      expect(lines.at(-1)).toMatch(/^built pause in [\d.]+s \(compiled \d+ (of its \d+ packages, the others were cached|packages)\) -> /);

      const marker = JSON.parse(readFileSync(join(tmp, 'out', '.built'), 'utf8')) as { packages?: number };
      expect(marker.packages).toBeGreaterThan(20);
      const log = readFileSync(join(tmp, 'out', 'build.log'), 'utf8');
      expect(log).toMatch(/^\$ CGO_ENABLED=0 \S+ list -deps \.\n/);
      expect(log).toContain(`(${marker.packages} packages, 0 modules downloaded, after `);
      expect(log).toMatch(/\n\$ CGO_ENABLED=0 \S+ build -v -trimpath -ldflags '-s -w' -o \S+ \.\n/);
      expect(log).toContain('\nos/signal\n');
      expect(log).toMatch(/\nexit 0 after [\d.]+s\n$/);

      // Up to date: nothing runs, nothing is logged.
      const again: string[] = [];
      expect(await goBuild(build, (l) => again.push(l))).toBe(out);
      expect(again).toEqual([]);

      // New inputs: the total comes from the marker, no `go list` this time.
      const relink: string[] = [];
      await goBuild({ ...build, ldflags: '-s -w -X main.unused=1' }, (l) => relink.push(l));
      expect(readFileSync(join(tmp, 'out', 'build.log'), 'utf8')).not.toContain(' list -deps ');
      expect(relink.at(-1)).toMatch(new RegExp(`^built pause in [\\d.]+s \\(compiled \\d+ of its ${marker.packages} packages, the others were cached\\) -> `));
    },
    120_000,
  );

  (hasGo ? it : it.skip)(
    'testBinary: `go build -v` of the package for the progress, then `go test -c`; a package without tests is an error',
    async () => {
      // A module of its own with one test file (standard library only; the machine's GOCACHE, so a few seconds).
      const moduleDir = join(tmp, 'withtest');
      mkdirSync(moduleDir, { recursive: true });
      writeFileSync(join(moduleDir, 'go.mod'), 'module example.local/withtest\n\ngo 1.24\n');
      writeFileSync(join(moduleDir, 'lib.go'), 'package withtest\n\nfunc Two() int { return 2 }\n');
      writeFileSync(join(moduleDir, 'lib_test.go'), 'package withtest\n\nimport "testing"\n\nfunc TestTwo(t *testing.T) {\n\tif Two() != 2 {\n\t\tt.Fatal("no")\n\t}\n}\n');
      const build: GoBuild = { name: 'withtest.test', moduleDir, testBinary: true, outDir: join(tmp, 'test-out'), binary: 'withtest.test', ldflags: '-s -w', timeoutMs: 5 * 60_000 };
      const out = await goBuild(build, () => undefined);
      expect(spawnSync(out, ['-test.run', 'TestTwo']).status).toBe(0);
      const log = readFileSync(join(tmp, 'test-out', 'build.log'), 'utf8');
      expect(log).toMatch(/\n\$ CGO_ENABLED=0 \S+ build -v -trimpath -ldflags '-s -w' \.\n/);
      expect(log).toMatch(/\n\$ CGO_ENABLED=0 \S+ test -c -trimpath -ldflags '-s -w' -o \S+withtest\.test\.tmp \.\n/);

      rmSync(join(moduleDir, 'lib_test.go'));
      await expect(goBuild({ ...build, outDir: join(tmp, 'test-out-2') }, () => undefined)).rejects.toThrow(/wrote no binary/);
    },
    120_000,
  );
});
