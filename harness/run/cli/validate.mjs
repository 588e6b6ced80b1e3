#!/usr/bin/env node
// `npm run validate [-- --scenarios-dir DIR]`: checks every scenario folder without Docker or a cluster (see harness/engine/scenario/validate.ts).
import { resolve } from 'node:path';
import { importTs } from '../jest/ts-loader.mjs';

const { validateScenarios } = await importTs('../../engine/scenario/validate.ts');
const { repoRoot } = await importTs('../config.ts');
const args = process.argv.slice(2);
const at = args.findIndex((a) => a === '--scenarios-dir' || a.startsWith('--scenarios-dir='));
let dir = process.env.PROBE_SCENARIOS_DIR || undefined;
if (at >= 0) dir = args[at].includes('=') ? args[at].slice(args[at].indexOf('=') + 1) : args[at + 1];
const unknown = args.filter((a, i) => i !== at && !(i === at + 1 && !args[at].includes('=')));
if (unknown.length > 0 || (at >= 0 && !dir)) {
  process.stderr.write(`validate: ${unknown.length ? `unknown argument ${unknown[0]}` : '--scenarios-dir needs a directory'} (usage: npm run validate [-- --scenarios-dir DIR])\n`);
  process.exit(2);
}
process.exit(validateScenarios(repoRoot(), undefined, dir ? resolve(dir) : undefined));
