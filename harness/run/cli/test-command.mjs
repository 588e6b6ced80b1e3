#!/usr/bin/env node
// `npm test [-- options]`: the suite's own flags (harness/run/options.ts, parsed by
// parse-options.ts) become the PROBE_* variables Jest's processes read; everything else goes to
// Jest unchanged. Plain JavaScript: it checks for node_modules before loading TypeScript through
// ts-node. `--doctor` (also `npm run doctor`) runs only the preflight checks, and no Jest.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

function fail(message) {
  process.stderr.write(`probe-conformance: ${message}\n  fix: see npm test -- --help\n`);
  process.exit(2);
}

/** Jest's entry point; without node_modules (install.sh not run yet) one line saying what to do. */
function jestEntry() {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('jest/package.json')), 'bin', 'jest.js');
  } catch {
    process.stderr.write('probe-conformance: the npm dependencies are not installed (no node_modules/jest)\n  fix: ./install.sh (or npm ci), then npm test\n');
    process.exit(2);
  }
}

const jestBin = jestEntry();
const inheritedEnv = { ...process.env };
const { importTs } = await import('../jest/ts-loader.mjs');
const { parseOptions } = await importTs('../parse-options.ts');
const parsed = parseOptions(process.argv.slice(2), process.env);
if (parsed.kind === 'help') {
  const { helpText } = await importTs('../options-text.ts');
  process.stdout.write(helpText());
  process.exit(0);
}
if (parsed.kind === 'error') fail(parsed.error);
{
  // Checkable without a cluster: a folder without scenarios, or a name that selects none, stops here, not after the setup.
  const { scenarioDirsOf, unknownScenariosError } = await importTs('../../engine/scenario/select.ts');
  const { all, unknown } = scenarioDirsOf(parsed.config.scenariosDir, parsed.config.scenarios);
  if (all.length === 0) fail(`--scenarios-dir ${parsed.config.scenariosDir}: no scenario folders there (each scenario is a folder with a scenario.yaml; see docs/scenario-format.md)`);
  if (unknown.length > 0) fail(unknownScenariosError(unknown, all, parsed.config.scenariosDir));
}

// `auto` options (image bases, kind node image) are chosen once, here, and said in the first lines;
// Jest's processes get the choice as the options' variables.
const { chooseForThisMachine, choiceEnv } = await importTs('../../cluster/registry-choice.ts');
const chosen = await chooseForThisMachine(parsed.config, (line) => process.stderr.write(`probe-conformance: ${line}\n`));
if (parsed.doctor) {
  if (parsed.jestArgs.length > 0) process.stderr.write(`probe-conformance: --doctor runs no tests; ignoring ${parsed.jestArgs.join(' ')}\n`);
  const { doctor } = await importTs('../../cluster/preflight/doctor.ts');
  process.exit(await doctor(chosen));
}
// On a terminal, a live line under Jest's output says how far the scenarios are (live-line.mjs);
// elsewhere (CI logs) they print a [progress] line every 30 s.
const progressFile = process.stderr.isTTY && !process.env.CI ? join(parsed.config.reportsDir, 'progress.json') : undefined;
// The interrupts and faults projects (real runs stopped with Ctrl-C; fault fixtures) run only when named: npm run test:interrupts, npm run test:faults.
const DEFAULT_PROJECTS = ['unit', 'images', 'scenarios'];
const jestArgs = parsed.jestArgs.some((a) => a.startsWith('--selectProjects')) ? parsed.jestArgs : [...parsed.jestArgs, '--selectProjects', ...DEFAULT_PROJECTS];
const child = spawn(process.execPath, ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', jestBin, ...jestArgs], {
  stdio: progressFile ? ['inherit', 'pipe', 'pipe'] : 'inherit',
  env: { ...inheritedEnv, ...parsed.flagEnv, ...choiceEnv(chosen), ...(progressFile ? { PROBE_PROGRESS_FILE: progressFile, FORCE_COLOR: '1' } : {}) },
});
if (progressFile) (await import('./live-line.mjs')).showLiveLine(child, progressFile);
// Ctrl-C reaches Jest through the terminal's process group; the wrapper just waits for it.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
