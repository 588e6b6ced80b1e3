import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { repoRoot } from '../../harness/run/config.js';

const harness = join(repoRoot(), 'harness');

/** Every relative import of the TypeScript files under harness/<part>, as paths relative to harness/. */
function importsOf(part: string): { file: string; target: string }[] {
  const dir = join(harness, part);
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|mjs)$/.test(f))
    .flatMap((f) => {
      const file = join(dir, f);
      return [...readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)].map((m) => ({
        file: relative(harness, file),
        target: relative(harness, resolve(dirname(file), m[1]!)),
      }));
    });
}

describe('the layers of docs/architecture.md', () => {
  it.each([
    ['engine', ['cluster', 'run', 'upstream']],
    ['cluster', ['run/jest', 'run/cli', 'upstream']],
    ['common', ['engine', 'cluster', 'run', 'upstream']],
    ['upstream', ['run/jest', 'run/cli']],
  ])('harness/%s imports nothing from %p', (part, forbidden) => {
    const found = importsOf(part).filter((i) => forbidden.some((f) => i.target === f || i.target.startsWith(`${f}/`)));
    expect(found).toEqual([]);
  });

  it('finds imports at all (the check above cannot pass on an empty list)', () => {
    expect(importsOf('engine').length).toBeGreaterThan(50);
  });
});
