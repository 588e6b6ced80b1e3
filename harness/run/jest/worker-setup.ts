import { killAllRunning } from '../../cluster/process/run.js';

// testcontainers must not try to pull its helper images (no registry here; see docs/images.md).
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
process.env.TESTCONTAINERS_HOST_OVERRIDE ??= 'localhost';

// Commands a worker started die with it.
process.once('exit', () => killAllRunning('SIGKILL'));
