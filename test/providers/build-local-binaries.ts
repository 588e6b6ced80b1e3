/**
 * Builds (or finds in the cache) the local provider's Go binaries and prints their paths and
 * the build times: `node --loader ts-node/esm test/providers/build-local-binaries.ts`.
 */
import { readConfig } from '../../harness/run/config.js';
import { consoleLog } from '../../harness/common/log.js';
import { ensureBinaries } from '../../harness/cluster/local/binaries.js';

const started = Date.now();
const binaries = await ensureBinaries(readConfig(), consoleLog('local'));
console.log(JSON.stringify({ ...binaries, seconds: (Date.now() - started) / 1000 }, null, 2));
