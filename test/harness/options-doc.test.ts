import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { repoRoot } from '../../harness/run/config.js';
import { OPTION_KEYS, OPTIONS } from '../../harness/run/options.js';
import { helpText, withOptionsTable } from '../../harness/run/options-text.js';

const doc = readFileSync(join(repoRoot(), 'docs', 'options.md'), 'utf8');

describe('the options table is the source of --help and docs/options.md', () => {
  it('docs/options.md has the generated table (refresh it with npm run docs:options)', () => {
    expect(doc).toBe(withOptionsTable(doc));
  });

  it('--help and docs/options.md name every option by its flag, variable and default', () => {
    const help = helpText();
    for (const key of OPTION_KEYS) {
      const option = OPTIONS[key];
      expect(doc).toContain(`\`${option.env}`);
      expect(doc).toContain(option.defaultText);
      expect(help).toContain(option.env);
      expect(help).toContain(`default ${option.defaultText.replace(/`/g, '')}`);
      if (option.flag) {
        expect(doc).toContain(`\`${option.flag}`);
        expect(help).toContain(`  ${option.flag}`);
      }
    }
  });

  it('--help keeps the usage, --doctor and the Jest pass-through examples', () => {
    const help = helpText();
    expect(help).toMatch(/^usage: npm test \[-- \[suite options\] \[jest options\]\]\n/);
    expect(help).toContain('  --doctor ');
    expect(help).toContain('  --selectProjects unit|images|scenarios');
    expect(help).toContain('  -t A000-1');
  });
});
