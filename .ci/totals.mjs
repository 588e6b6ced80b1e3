// Prints the plain summary line of a CI run with several phases: the sum of the counts that
// .ci/after-run.mjs --totals FILE wrote, one entry per phase. Exits 1 if any phase failed a test.
//   node .ci/totals.mjs FILE
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2];
const phases = file && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
const sum = (k) => phases.reduce((n, p) => n + p[k], 0);
const failed = sum('failed') + (phases.length === 0 ? 1 : 0);
if (phases.length === 0) console.log(`no phase results in ${file}`);
console.log(`${sum('passed')} passed, ${failed} failed, ${sum('skipped')} skipped`);
process.exit(failed === 0 ? 0 : 1);
