'use strict';
// probe-conformance demo HTTP server (no npm dependencies; runs on Node 18+).
// Reproduces the demo apps of the source articles:
//   article 003 (kubia-unhealthy): 200 for the first 5 requests, 500 from the 6th on (count mode);
//   article 000 (http-probe):      /liveness answers 200 for the first 10 s, 500 afterwards, but only
//                                  for requests carrying the header `source: probe` (time mode + gate).
// Every variable is documented in ./Dockerfile and docs/images.md.

const http = require('node:http');
const os = require('node:os');

const startedAt = Date.now();

function fail(message) {
  console.error(`node-server: ${message}`);
  process.exit(2);
}

function intEnv(name, fallback, { allowNever = false } = {}) {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const text = raw.trim().toLowerCase();
  if (allowNever && (text === 'never' || text === 'off' || text === '-1')) return Infinity;
  if (!/^\d+$/.test(text)) fail(`${name}=${raw} is not a non-negative integer${allowNever ? " (or 'never')" : ''}`);
  return Number(text);
}

const port = intEnv('PORT', 8080);
// Time mode is on when FAIL_AFTER_SECONDS is set; count mode is on when FAIL_AFTER_REQUESTS is
// set, or by default (5) when FAIL_AFTER_SECONDS is not set. With both set, either one fails.
const failAfterSeconds = intEnv('FAIL_AFTER_SECONDS', Infinity, { allowNever: true });
const countDefault = process.env.FAIL_AFTER_SECONDS ? Infinity : 5;
const failAfterRequests = intEnv('FAIL_AFTER_REQUESTS', countDefault, { allowNever: true });
const failStatus = intEnv('FAIL_STATUS', 500);
const failPath = (process.env.FAIL_PATH ?? '').trim();
const onSigterm = (process.env.ON_SIGTERM ?? 'exit').trim().toLowerCase();
const sigtermExitCode = intEnv('SIGTERM_EXIT_CODE', 143);
if (onSigterm !== 'exit' && onSigterm !== 'ignore') fail(`ON_SIGTERM=${onSigterm} must be 'exit' or 'ignore'`);

let gate; // { name, value } when FAIL_ONLY_WITH_HEADER is set
const gateSpec = (process.env.FAIL_ONLY_WITH_HEADER ?? '').trim();
if (gateSpec) {
  const colon = gateSpec.indexOf(':');
  if (colon <= 0) fail(`FAIL_ONLY_WITH_HEADER=${gateSpec} must look like "name: value"`);
  gate = { name: gateSpec.slice(0, colon).trim().toLowerCase(), value: gateSpec.slice(colon + 1).trim() };
}

function describeMode() {
  const parts = [];
  if (failAfterRequests !== Infinity) parts.push(`fail after ${failAfterRequests} requests`);
  if (failAfterSeconds !== Infinity) parts.push(`fail after ${failAfterSeconds} s`);
  if (parts.length === 0) parts.push('never fail');
  parts.push(gate ? `only for requests with header "${gate.name}: ${gate.value}"` : 'for every request');
  if (failPath) parts.push(`only on path ${failPath}`);
  return parts.join(', ');
}

let requests = 0; // every request
let counted = 0; // requests the failure rules apply to (gated requests)

function matchesGate(req) {
  if (failPath && req.url.split('?')[0] !== failPath) return false;
  if (!gate) return true;
  const got = req.headers[gate.name];
  const values = Array.isArray(got) ? got : got === undefined ? [] : [got];
  return values.some((v) => v.trim() === gate.value);
}

const hostname = os.hostname();

const server = http.createServer((req, res) => {
  requests += 1;
  const gated = matchesGate(req);
  let status = 200;
  let reason = '';
  if (gated) {
    counted += 1;
    const elapsed = Date.now() - startedAt;
    if (counted > failAfterRequests) {
      status = failStatus;
      reason = `request ${counted} > FAIL_AFTER_REQUESTS=${failAfterRequests}`;
    } else if (elapsed > failAfterSeconds * 1000) {
      status = failStatus;
      reason = `${(elapsed / 1000).toFixed(1)} s > FAIL_AFTER_SECONDS=${failAfterSeconds}`;
    }
  }
  const body =
    status === 200
      ? `ok: request ${requests} served by ${hostname}\n`
      : `failing: request ${requests} served by ${hostname} (${reason})\n`;
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Request-Number': String(requests) });
  res.end(body);
  const fields = [
    new Date().toISOString(),
    `request=${requests}`,
    `counted=${gated ? counted : '-'}`,
    `method=${req.method}`,
    `path=${JSON.stringify(req.url)}`,
  ];
  if (gate) {
    const v = req.headers[gate.name];
    fields.push(`${gate.name}=${v === undefined ? '-' : JSON.stringify(Array.isArray(v) ? v.join(', ') : v)}`);
  }
  fields.push(`status=${status}`, `from=${(req.socket.remoteAddress ?? '-').replace(/^::ffff:/, '')}`, `ua=${JSON.stringify(req.headers['user-agent'] ?? '')}`);
  console.log(fields.join(' '));
});

process.on('SIGTERM', () => {
  if (onSigterm === 'ignore') {
    console.log('received SIGTERM, ignoring it (ON_SIGTERM=ignore)');
    return;
  }
  console.log(`received SIGTERM, exiting with code ${sigtermExitCode}`);
  process.exit(sigtermExitCode);
});
process.on('SIGINT', () => {
  console.log('received SIGINT, exiting with code 130');
  process.exit(130);
});

server.on('error', (err) => fail(`cannot listen on port ${port}: ${err.message}`));
server.listen(port, () => {
  console.log(`http server started on ${port} (${describeMode()}; node ${process.version}; pid ${process.pid})`);
});
