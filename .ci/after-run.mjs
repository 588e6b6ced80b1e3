// After `npm test` in CI: runs each failed scenario once more, alone (a fresh cluster, its own
// reports dir), then prints FLAKY / FAILED / SETUP FAILED lines and the plain summary line
// "N passed, N failed, N skipped". Exits 0 only if every failure passed on its rerun.
//   node .ci/after-run.mjs <npm test exit status> [--phase NAME --totals FILE]
// With --phase, the summary line is "NAME: N passed, ..." and the counts are added to FILE, whose
// sum .ci/totals.mjs prints as the plain line (.ci/run has two phases: local, kind).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { exactTestPattern, planReruns, readJunit, scenarioId, summarize } from './junit-results.mjs';

const { values: opts, positionals } = parseArgs({ allowPositionals: true, options: { phase: { type: 'string' }, totals: { type: 'string' } } });
const reports = process.env.PROBE_REPORTS_DIR ?? 'reports';
const status = Number(positionals[0] ?? 1);
const prefix = opts.phase ? `${opts.phase}: ` : '';
/** Prints the summary line and adds it to the totals file; exits with code. */
function finish(passed, failed, skipped, code) {
  if (opts.totals) {
    const totals = existsSync(opts.totals) ? JSON.parse(readFileSync(opts.totals, 'utf8')) : [];
    totals.push({ phase: opts.phase ?? 'run', passed, failed, skipped });
    writeFileSync(opts.totals, `${JSON.stringify(totals, null, 2)}\n`);
  }
  console.log(`${prefix}${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(code);
}
const tests = readJunit(join(reports, 'junit.xml'));
const cut = (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

if (!tests) {
  console.log(`${prefix}no ${reports}/junit.xml: npm test stopped before Jest wrote its report (exit ${status})`);
  finish(0, 1, 0, 1);
}

const { rerun, reason } = planReruns(tests);
if (reason) console.log(reason);
const flaky = [];
rmSync(join(reports, 'reruns'), { recursive: true, force: true });
for (const test of rerun) {
  const id = scenarioId(test.name);
  const dir = join(reports, 'reruns', id);
  mkdirSync(dir, { recursive: true });
  console.log(`\n=== ${id} failed (${cut(test.firstError, 200)}); running it once more, alone (reports: ${dir}) ===`);
  const r = spawnSync('npm', ['test', '--', '--selectProjects', 'scenarios', '-t', exactTestPattern(test.name)], {
    stdio: 'inherit',
    env: { ...process.env, PROBE_REPORTS_DIR: dir, PROBE_MUTATIONS: 'off' },
  });
  const again = (readJunit(join(dir, 'junit.xml')) ?? []).find((t) => t.name === test.name);
  const passed = r.status === 0 && again?.status === 'passed';
  console.log(`=== ${id}: ${passed ? 'passed on its rerun (flaky)' : `failed again${again?.firstError ? `: ${cut(again.firstError, 200)}` : ''}`} ===`);
  if (passed) flaky.push({ scenario: id, test: test.name, firstError: test.firstError, rerunReports: dir });
}
writeFileSync(join(reports, 'flaky.json'), `${JSON.stringify({ flaky }, null, 2)}\n`);

const { passed, failed, skipped } = summarize(tests, flaky.map((f) => f.test));
// Jest failed without a failed test in the report (a crash, a reporter error): still a failure.
if (status !== 0 && !tests.some((t) => t.status === 'failed')) failed.push({ name: 'npm test', firstError: `exited ${status} with no failed test in ${reports}/junit.xml (see the log above)` });
for (const f of failed) console.log(`FAILED: ${cut(f.name, 100)} -- ${cut(f.firstError, 300)}`);
for (const f of flaky) console.log(`FLAKY: ${f.scenario} -- ${cut(f.firstError, 300)}`);
const setupFile = join(reports, 'setup-failure.json');
if (existsSync(setupFile)) {
  const s = JSON.parse(readFileSync(setupFile, 'utf8'));
  console.log(`SETUP FAILED (${s.stage}, ${s.provider} provider): ${cut(s.cause, 300)} -- fix: ${cut(s.fix, 200)}`);
}
finish(passed, failed.length, skipped, failed.length === 0 ? 0 : 1);
