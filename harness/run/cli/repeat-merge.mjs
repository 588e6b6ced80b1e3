#!/usr/bin/env node
// `npm run repeat:merge -- REPORT... [--out DIR]`: several --repeat runs as one report (e.g. four runs
// of --repeat 5 as 20 runs per scenario). REPORT: a repeat.json, or a reports folder holding one.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { importTs } from '../jest/ts-loader.mjs';

const USAGE = 'usage: npm run repeat:merge -- REPORT... [--out DIR]   (REPORT: a repeat.json or a reports folder with one; DIR: where repeat-merged.{md,json} go, default reports)';
let args;
try {
  args = parseArgs({ options: { out: { type: 'string', default: 'reports' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
} catch (e) {
  process.stderr.write(`repeat:merge: ${e.message} (${USAGE})\n`);
  process.exit(2);
}
if (args.values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (args.positionals.length === 0) {
  process.stderr.write(`repeat:merge: no report given (${USAGE})\n`);
  process.exit(2);
}
const reports = args.positionals.map((p) => {
  const file = existsSync(p) && statSync(p).isDirectory() ? join(p, 'repeat.json') : p;
  let json;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    process.stderr.write(`repeat:merge: ${file}: ${e.code === 'ENOENT' ? 'not found (a run with --repeat N, N > 1, writes it)' : `not a repeat report (${e.message})`}\n`);
    process.exit(2);
  }
  if (!Array.isArray(json.scenarios)) {
    process.stderr.write(`repeat:merge: ${file}: not a repeat report (no "scenarios" list)\n`);
    process.exit(2);
  }
  return json.scenarios;
});
const { mergeSpreads, repeatMarkdown, repeatTotals, AT_RISK_SHARE } = await importTs('../../engine/report/repeat-report.ts');
const merged = mergeSpreads(reports);
const out = resolve(args.values.out);
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'repeat-merged.json'), `${JSON.stringify({ reports: args.positionals, atRiskShare: AT_RISK_SHARE, scenarios: merged }, null, 2)}\n`);
writeFileSync(join(out, 'repeat-merged.md'), repeatMarkdown(`Repeated runs (${reports.length} reports merged)`, merged));
const { runs, failed } = repeatTotals(merged);
process.stdout.write(`${join(out, 'repeat-merged.md')}: ${runs} runs of ${merged.length} scenarios, ${failed} failed\n`);
