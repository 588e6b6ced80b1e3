#!/usr/bin/env node
// `npm test [-- options]`: turns the suite's own flags into PROBE_* variables (the same names
// docs/options.md lists, so the environment and the flags are one set of options) and runs Jest
// with everything else. Plain JavaScript: it runs before any TypeScript loader. `--doctor` (also
// `npm run doctor`) runs only the preflight checks, through the TypeScript loader, and no Jest.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const FLAGS = {
  '--provider': { env: 'PROBE_PROVIDER', value: true, values: ['local', 'kind', 'existing'] },
  '--nodes': { env: 'PROBE_NODES', value: true, pattern: /^[1-9]$/ },
  '--keep-cluster': { env: 'PROBE_KEEP_CLUSTER', value: false },
  '--mutations': { env: 'PROBE_MUTATIONS', value: true, values: ['off', 'only', 'also'] },
  '--image-bases': { env: 'PROBE_IMAGE_BASES', value: true, values: ['offline', 'official'] },
  '--context': { env: 'PROBE_CONTEXT', value: true },
  '--allow-context': { env: 'PROBE_ALLOW_CONTEXT', value: true },
  '--image-registry': { env: 'PROBE_IMAGE_REGISTRY', value: true },
  '--kind-node-image': { env: 'PROBE_KIND_NODE_IMAGE', value: true },
};

const HELP = `usage: npm test [-- [suite options] [jest options]]
       npm test -- --doctor [suite options]     (or: npm run doctor [-- suite options])

Runs the probe-conformance suite: brings up a cluster, runs every scenario folder, writes reports/.

suite options (each also works as the environment variable shown; see docs/options.md):
  --provider local|kind|existing   where to run (PROBE_PROVIDER; default local)
                                   local: a cluster of host processes built here (root, works offline)
                                   kind: a kind cluster created for the run (needs Docker and a registry)
                                   existing: the cluster of KUBECONFIG/--context (needs --allow-context)
  --nodes N                        node count for providers that can create several (PROBE_NODES; default 1)
  --keep-cluster                   leave the cluster running afterwards (PROBE_KEEP_CLUSTER=1)
  --mutations off|only|also        run the scenarios' broken variants (PROBE_MUTATIONS; default off)
  --image-bases offline|official   demo images' base images (PROBE_IMAGE_BASES)
  --context NAME                   existing: the kubeconfig context to use (PROBE_CONTEXT)
  --allow-context NAME             existing: opt in to run on that context (PROBE_ALLOW_CONTEXT)
  --image-registry HOST[/PATH]     existing: push the demo images there (PROBE_IMAGE_REGISTRY)
  --kind-node-image IMAGE          kind: node image, e.g. kindest/node:v1.34.0 (PROBE_KIND_NODE_IMAGE)
  --doctor                         only check this machine for the chosen provider (the preflight:
                                   commands, Docker, Go, kernel, ports, disk, context), print every
                                   problem with its fix, and exit 0 (none) or 1; runs no tests

jest options pass through, e.g.:
  --selectProjects unit|images|scenarios    only that part
  -t A000-1                                 only scenarios whose name matches
`;

function fail(message) {
  process.stderr.write(`probe-conformance: ${message}\n  fix: see npm test -- --help\n`);
  process.exit(2);
}

/** Splits argv into PROBE_* settings and the arguments left for Jest. */
function parseArgs(argv) {
  const env = {};
  const jest = [];
  let doctor = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return { help: true, doctor, env, jest };
    if (arg === '--doctor') {
      doctor = true;
      continue;
    }
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const flag = FLAGS[name];
    if (!flag) {
      jest.push(arg);
      continue;
    }
    if (!flag.value) {
      env[flag.env] = '1';
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--')) fail(`${name} needs a value`);
    if (flag.values && !flag.values.includes(value)) fail(`${name} ${value}: use one of ${flag.values.join(', ')}`);
    if (flag.pattern && !flag.pattern.test(value)) fail(`${name} ${value}: not a valid value`);
    env[flag.env] = value;
  }
  return { help: false, doctor, env, jest };
}

/** The preflight alone (harness/cluster/preflight/doctor.ts), with the options given as flags. */
async function runDoctor(env, ignored) {
  if (ignored.length > 0) process.stderr.write(`probe-conformance: --doctor runs no tests; ignoring ${ignored.join(' ')}\n`);
  Object.assign(process.env, env);
  const { importTs } = await import('../jest/ts-loader.mjs');
  const { doctor } = await importTs('../../cluster/preflight/doctor.ts');
  process.exit(await doctor());
}

const { help, doctor, env, jest } = parseArgs(process.argv.slice(2));
if (help) {
  process.stdout.write(HELP);
  process.exit(0);
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

// The doctor needs the dependencies too (ts-node), so both check for them first.
const jestBin = jestEntry();
if (doctor) await runDoctor(env, jest);
const child = spawn(process.execPath, ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', jestBin, ...jest], {
  stdio: 'inherit',
  env: { ...process.env, ...env },
});
// Ctrl-C reaches Jest through the terminal's process group; the wrapper just waits for it.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
