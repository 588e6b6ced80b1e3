#!/usr/bin/env node
// `npm run build:kind-node [-- --kubernetes 1.35.4] [--rebuild]`: builds the probe-conformance
// kind node image alone (harness/cluster/kind/node-image.ts, docs/kind-node-image.md), or finds it
// in Docker, and prints its reference on stdout (progress goes to stderr). The cache, the Debian
// mirror and the other settings come from the same PROBE_* variables as `npm test`.
import { parseArgs } from 'node:util';
import { importTs } from '../jest/ts-loader.mjs';

const usage = `usage: npm run build:kind-node [-- --kubernetes <version>] [--rebuild]
  --kubernetes <version>  the Kubernetes release to build (default: the one the checkout pins,
                          harness/cluster/local/gobuild/kube/go.mod); another one is refused
  --rebuild               build even when Docker has the image of this recipe already
`;

function fail(message) {
  process.stderr.write(`probe-conformance: ${message}\n  fix: ${usage.split('\n')[0]}\n`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({ args: process.argv.slice(2), strict: true, options: { kubernetes: { type: 'string' }, rebuild: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
} catch (err) {
  // e.g. "Unknown option '--kubrnetes'", "Option '--kubernetes <value>' argument missing"
  fail(err instanceof Error ? err.message.split('. ')[0] : String(err));
}
if (parsed.values.help) {
  process.stdout.write(usage);
  process.exit(0);
}
if (parsed.positionals.length > 0) fail(`unexpected argument ${parsed.positionals[0]}`);
const { kubernetes, rebuild = false } = parsed.values;
if (kubernetes !== undefined && kubernetes.trim() === '') fail('--kubernetes needs a version, e.g. --kubernetes 1.35.4');

const { readConfig } = await importTs('../config.ts');
const { describeError } = await importTs('../../common/errors.ts');
const { consoleLog } = await importTs('../../common/log.ts');
const { killAllRunning } = await importTs('../../cluster/process/run.ts');
const { ensureKindNodeImage } = await importTs('../../cluster/kind/node-image.ts');
const { ensureDockerEngine, stopStartedDockerEngine } = await importTs('../../cluster/docker/engine.ts');

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    killAllRunning('SIGTERM');
    process.exit(130);
  });
}
const log = consoleLog('kind-node');
let config;
let code = 0;
try {
  config = readConfig();
  // A Docker engine this command starts (none answered) is stopped again at the end.
  await ensureDockerEngine(log, config);
  const image = await ensureKindNodeImage({ config, log, kubernetes, rebuild });
  process.stdout.write(`${image.ref}\n`);
} catch (err) {
  process.stderr.write(`${describeError(err)}\n`);
  code = 1;
}
if (config) await stopStartedDockerEngine(log, config).catch((e) => log(`could not stop dockerd: ${describeError(e)}`));
process.exit(code);
