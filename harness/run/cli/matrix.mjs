#!/usr/bin/env node
// `npm run matrix -- --kubernetes 1.34,1.35,...`: the suite once per cell (harness/matrix/), one
// after another (each npm test brings its cluster up and tears it down), then the side-by-side
// report reports/matrix.{md,json,html}. Ctrl-C stops the running cell (its own clean-up runs) and
// runs no further cells; the report then shows the cells that ran.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// the cells get the environment as it was before ts-loader set its TS_NODE_* variables (Jest reads
// jest.config.ts with ts-node itself, as test-command.mjs does)
const inheritedEnv = { ...process.env };
const { importTs } = await import('../jest/ts-loader.mjs');
const { planMatrix, MATRIX_USAGE } = await importTs('../../matrix/matrix-cells.ts');
const { writeMatrixReport, previousCells } = await importTs('../../matrix/matrix-report.ts');
const { repoRoot } = await importTs('../repo-root.ts');
const { describeError } = await importTs('../../common/errors.ts');

let plan;
try {
  plan = planMatrix(process.argv.slice(2), process.env, repoRoot());
} catch (err) {
  process.stderr.write(`${describeError(err)}\n`);
  process.exit(2);
}
if (plan === 'help') {
  process.stdout.write(MATRIX_USAGE);
  process.exit(0);
}

const testCommand = fileURLToPath(new URL('./test-command.mjs', import.meta.url));
const say = (line) => process.stderr.write(`[matrix] ${line}\n`);
let stopping = false;
let child;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    stopping = true;
    say(`${signal}: stopping the running cell (it cleans up), no further cells`);
    child?.kill(signal);
  });
}

const cells = plan.cells.map((c) => ({ label: c.label, reportsDir: `matrix/${c.label}` }));
say(`${plan.cells.length} cell(s), one after another: ${plan.cells.map((c) => c.label).join(', ')}; reports in ${relative(process.cwd(), plan.reportsDir) || '.'}/matrix/`);
const started = Date.now();
for (const [i, cell] of plan.cells.entries()) {
  if (stopping) {
    cells[i].missing = 'not run (stopped)';
    continue;
  }
  const dir = join(plan.reportsDir, 'matrix', cell.label);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // longest scenarios first from the start: the durations measured by the last plain run
  const durations = join(plan.reportsDir, 'durations.json');
  if (existsSync(durations)) copyFileSync(durations, join(dir, 'durations.json'));
  say(`cell ${i + 1} of ${plan.cells.length}: ${cell.label}: npm test -- ${cell.args.join(' ')}`);
  const t0 = Date.now();
  const code = await new Promise((resolve) => {
    child = spawn(process.execPath, [testCommand, ...cell.args], { stdio: 'inherit', env: { ...inheritedEnv, PROBE_REPORTS_DIR: dir } });
    child.on('exit', (c, s) => resolve(c ?? (s ? 130 : 1)));
  });
  child = undefined;
  const seconds = Math.round((Date.now() - t0) / 1000);
  Object.assign(cells[i], { exitCode: code, seconds });
  say(`cell ${cell.label}: exit ${code} after ${seconds} s`);
}
// --add: the previous matrix's other cells stay in the report (their folders are not touched)
const earlier = plan.add ? previousCells(plan.reportsDir).filter((c) => !cells.some((n) => n.label === c.label)) : [];
if (earlier.length) say(`--add: keeping ${earlier.length} cell(s) of the last matrix: ${earlier.map((c) => c.label).join(', ')}`);
const rows = writeMatrixReport(plan.reportsDir, [...earlier, ...cells]);
const total = Math.round((Date.now() - started) / 1000);
say(`${rows.length} claims, ${rows.filter((r) => r.differs).length} differ between cells; ${total} s in all`);
say(`report: ${join(plan.reportsDir, 'matrix.html')} (also matrix.md, matrix.json)`);
process.exit(stopping ? 130 : cells.every((c) => c.exitCode === 0) ? 0 : 1);
