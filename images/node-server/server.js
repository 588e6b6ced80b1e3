'use strict';
// probe-conformance demo HTTP server (no npm dependencies; runs on Node 18+).
// Reproduces the demo apps of the source articles:
//   article 003 (kubia-unhealthy): 200 for the first 5 requests, 500 from the 6th on (count mode);
//   article 000 (http-probe):      /liveness answers 200 for the first 10 s, 500 afterwards, but only
//                                  for requests carrying the header `source: probe` (time mode + gate).
// and what upstream Kubernetes' probe and hook e2e cases need: a gRPC health service (GRPC_PORT),
// redirects (/redirect), slow answers (/delay, DELAY_MS), HTTPS (HTTPS_PORT), more HTTP ports
// (EXTRA_PORTS) and a recorder for hook calls (/record/..., /calls).
// Every variable is documented in ./Dockerfile and docs/images.md.

const http = require('node:http');
const http2 = require('node:http2');
const https = require('node:https');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

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

/** A port number from text (1-65535), or fail naming the variable. */
function portNumber(name, text) {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 65535) fail(`${name}=${process.env[name]}: ${JSON.stringify(text)} is not a port (1-65535)`);
  return Number(text);
}

/** Comma (or space) separated items of a variable, empty ones dropped. */
function listEnv(name) {
  return (process.env[name] ?? '').split(/[,\s]+/).filter((s) => s !== '');
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
const delayMs = intEnv('DELAY_MS', 0);

// The other listeners (all off by default).
const optionalPort = (name) => ((process.env[name] ?? '').trim() === '' ? undefined : portNumber(name, process.env[name].trim()));
const grpcPort = optionalPort('GRPC_PORT');
const httpsPort = optionalPort('HTTPS_PORT');
const extraPorts = listEnv('EXTRA_PORTS').map((p) => portNumber('EXTRA_PORTS', p));
const grpcServices = new Set(['', ...listEnv('GRPC_SERVICES')]);
const grpcFailAfterSeconds = intEnv('GRPC_FAIL_AFTER_SECONDS', Infinity, { allowNever: true });
if (grpcPort === undefined) {
  for (const name of ['GRPC_SERVICES', 'GRPC_FAIL_AFTER_SECONDS']) {
    if ((process.env[name] ?? '').trim() !== '') fail(`${name} is set but GRPC_PORT is not (the gRPC server is off)`);
  }
}
{
  const owners = new Map();
  const claim = (p, name) => {
    if (owners.has(p)) fail(`port ${p} is given twice (${owners.get(p)} and ${name})`);
    owners.set(p, name);
  };
  claim(port, 'PORT');
  if (grpcPort !== undefined) claim(grpcPort, 'GRPC_PORT');
  if (httpsPort !== undefined) claim(httpsPort, 'HTTPS_PORT');
  for (const p of extraPorts) claim(p, 'EXTRA_PORTS');
}

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
  if (delayMs > 0) parts.push(`counted responses delayed ${delayMs} ms`);
  return parts.join(', ');
}

/** The other listeners, for the end of the start line: `; grpc on 5000 for ""; https on 8443`. */
function describeListeners() {
  const parts = [];
  if (grpcPort !== undefined) {
    const names = [...grpcServices].map((s) => JSON.stringify(s)).join(', ');
    const failing = grpcFailAfterSeconds !== Infinity ? `, "" NOT_SERVING after ${grpcFailAfterSeconds} s` : '';
    parts.push(`grpc on ${grpcPort} for ${names}${failing}`);
  }
  if (httpsPort !== undefined) parts.push(`https on ${httpsPort}`);
  if (extraPorts.length > 0) parts.push(`http also on ${extraPorts.join(', ')}`);
  return parts.map((p) => `; ${p}`).join('');
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
const remote = (socket) => (socket?.remoteAddress ?? '-').replace(/^::ffff:/, '');

/**
 * One request log line. listener: { scheme, port, extra }; HTTPS lines end with scheme=https,
 * lines of an EXTRA_PORTS port with port=<n>; lines of the main port are as they always were.
 */
function logRequest(req, n, countedField, status, listener) {
  const fields = [new Date().toISOString(), `request=${n}`, `counted=${countedField}`, `method=${req.method}`, `path=${JSON.stringify(req.url)}`];
  if (gate) {
    const v = req.headers[gate.name];
    fields.push(`${gate.name}=${v === undefined ? '-' : JSON.stringify(Array.isArray(v) ? v.join(', ') : v)}`);
  }
  fields.push(`status=${status}`, `from=${remote(req.socket)}`, `ua=${JSON.stringify(req.headers['user-agent'] ?? '')}`);
  if (listener.scheme === 'https') fields.push('scheme=https');
  if (listener.extra) fields.push(`port=${listener.port}`);
  console.log(fields.join(' '));
}

// Hook recorder: every /record/... call, in order.
const calls = [];
const MAX_DELAY_MS = 10 * 60_000;

/**
 * The paths that are not counted by the failure rules: /redirect, /delay, /record/..., /calls.
 * Returns undefined for any other path, else how to answer: { status, headers?, body, afterMs? }.
 */
function specialRoute(req, n) {
  const q = req.url.indexOf('?');
  const pathOnly = q < 0 ? req.url : req.url.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1));
  const bad = (message) => ({ status: 400, body: `${message}\n` });
  if (pathOnly === '/redirect') {
    const loc = query.get('loc') ?? '';
    const code = query.get('code') ?? '302';
    if (!/^[\x20-\x7e]+$/.test(loc)) return bad('/redirect needs loc=<url-encoded target>, printable ASCII once decoded');
    if (!/^3\d\d$/.test(code)) return bad(`/redirect: code=${code} is not a 3xx status`);
    // The body Go's http.Redirect writes (agnhost's, which upstream's redirect probe case quotes from the event).
    const escaped = loc.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c]);
    return { status: Number(code), headers: { Location: loc, 'Content-Type': 'text/html; charset=utf-8' }, body: `<a href="${escaped}">${http.STATUS_CODES[Number(code)] ?? 'Redirect'}</a>.\n\n` };
  }
  if (pathOnly === '/delay') {
    const ms = query.get('ms') ?? '';
    if (!/^\d+$/.test(ms) || Number(ms) > MAX_DELAY_MS) return bad(`/delay needs ms=<0-${MAX_DELAY_MS}>`);
    return { status: 200, body: `delayed ${ms} ms: request ${n} served by ${hostname}\n`, afterMs: Number(ms) };
  }
  if (pathOnly.startsWith('/record/')) {
    calls.push({ n, time: new Date().toISOString(), method: req.method, path: req.url, from: remote(req.socket), ua: req.headers['user-agent'] ?? '' });
    return { status: 200, body: `recorded ${req.url}\n` };
  }
  if (pathOnly === '/calls') {
    const prefix = query.get('path');
    const selected = prefix === null ? calls : calls.filter((c) => c.path.startsWith(prefix));
    return { status: 200, headers: { 'Content-Type': 'application/json' }, body: `${JSON.stringify({ calls: selected })}\n` };
  }
  return undefined;
}

function requestHandler(listener) {
  return (req, res) => {
    requests += 1;
    const n = requests;
    const special = specialRoute(req, n);
    if (special) {
      req.resume(); // a recorded POST's body is not read
      const answer = () => {
        res.writeHead(special.status, { 'Content-Type': 'text/plain; charset=utf-8', ...special.headers, 'X-Request-Number': String(n) });
        res.end(special.body);
        logRequest(req, n, '-', special.status, listener);
      };
      if (special.afterMs) setTimeout(answer, special.afterMs);
      else answer();
      return;
    }
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
    const countedField = gated ? counted : '-';
    const body =
      status === 200
        ? `ok: request ${n} served by ${hostname}\n`
        : `failing: request ${n} served by ${hostname} (${reason})\n`;
    const answer = () => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Request-Number': String(n) });
      res.end(body);
      logRequest(req, n, countedField, status, listener);
    };
    // DELAY_MS: the status is decided on arrival, the answer sent that much later.
    if (gated && delayMs > 0) setTimeout(answer, delayMs);
    else answer();
  };
}

// ---- gRPC health (grpc.health.v1.Health/Check) over plaintext HTTP/2 ----------------------------

const GRPC_CHECK = '/grpc.health.v1.Health/Check';
const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING'];
const GRPC_CODE = { OK: 0, INTERNAL: 13, NOT_FOUND: 5, UNIMPLEMENTED: 12 };
let grpcCalls = 0;

function readVarint(buf, pos) {
  let value = 0;
  for (let shift = 0; shift < 64; shift += 7) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++];
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [value, pos];
  }
  throw new Error('varint too long');
}

/** HealthCheckRequest { string service = 1; }: the service; other fields are skipped. */
function decodeHealthCheckRequest(buf) {
  let service = '';
  let pos = 0;
  while (pos < buf.length) {
    let key;
    [key, pos] = readVarint(buf, pos);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) [, pos] = readVarint(buf, pos);
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      let len;
      [len, pos] = readVarint(buf, pos);
      if (pos + len > buf.length) throw new Error('truncated field');
      if (field === 1) service = buf.toString('utf8', pos, pos + len);
      pos += len;
    } else throw new Error(`unsupported wire type ${wire}`);
    if (pos > buf.length) throw new Error('truncated field');
  }
  return service;
}

/** One gRPC message frame (uncompressed) holding HealthCheckResponse { ServingStatus status = 1; }. */
function healthCheckResponseFrame(status) {
  const message = status === 0 ? Buffer.alloc(0) : Buffer.from([0x08, status]);
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

/** The request's one message, from its frames: [compressed flag][4-byte length][message]. */
function singleMessage(body) {
  if (body.length < 5) throw new Error('no complete gRPC message');
  if (body[0] !== 0) throw new Error('compressed messages are not supported');
  const len = body.readUInt32BE(1);
  if (body.length !== 5 + len) throw new Error(`message length ${len} does not match the ${body.length - 5} bytes sent`);
  return body.subarray(5);
}

// grpc-message is percent-encoded (everything outside printable ASCII, and '%').
const grpcMessage = (text) => text.replace(/[^\x20-\x24\x26-\x7e]/g, (c) => encodeURIComponent(c));

function onGrpcStream(stream, headers) {
  stream.on('error', () => {}); // a client gone mid-call must not end the server
  grpcCalls += 1;
  const n = grpcCalls;
  const method = headers[':path'] ?? '';
  const from = remote(stream.session?.socket);
  // The client may have reset the stream (its deadline passed): then nothing can be sent.
  const gone = () => stream.destroyed || stream.closed;
  const log = (service, status) =>
    console.log(`${new Date().toISOString()} grpc=${n} method=${method} service=${service === undefined ? '-' : JSON.stringify(service)} status=${status} from=${from} ua=${JSON.stringify(headers['user-agent'] ?? '')}`);
  // A trailers-only answer (error): one HEADERS frame with the status, ending the stream.
  const error = (code, name, message, service) => {
    if (gone()) return;
    stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': String(code), 'grpc-message': grpcMessage(message) }, { endStream: true });
    log(service, name);
  };
  if (headers[':method'] !== 'POST' || !/^application\/grpc(\+proto)?(;|$)/.test(headers['content-type'] ?? '')) {
    stream.respond({ ':status': 415, 'content-type': 'text/plain' });
    stream.end('not a gRPC request (POST with content-type application/grpc)\n');
    log(undefined, 'HTTP_415');
    return;
  }
  if (method !== GRPC_CHECK) {
    stream.resume();
    error(GRPC_CODE.UNIMPLEMENTED, 'UNIMPLEMENTED', `unknown method ${method} (only ${GRPC_CHECK})`);
    return;
  }
  const chunks = [];
  stream.on('data', (chunk) => chunks.push(chunk));
  stream.on('end', () => {
    let service;
    try {
      service = decodeHealthCheckRequest(singleMessage(Buffer.concat(chunks)));
    } catch (err) {
      error(GRPC_CODE.INTERNAL, 'INTERNAL', `bad HealthCheckRequest: ${err.message}`);
      return;
    }
    if (!grpcServices.has(service)) {
      error(GRPC_CODE.NOT_FOUND, 'NOT_FOUND', `unknown service ${JSON.stringify(service)}`, service);
      return;
    }
    if (gone()) return;
    const failing = service === '' && Date.now() - startedAt > grpcFailAfterSeconds * 1000;
    const status = failing ? 2 : 1;
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': String(GRPC_CODE.OK) }));
    stream.end(healthCheckResponseFrame(status));
    log(service, SERVING_STATUS[status]);
  });
}

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

/** listen(), failing with a message naming the port's variable; resolves once listening. */
function listen(server, p, what) {
  return new Promise((resolve) => {
    server.on('error', (err) => fail(`cannot listen on ${what}port ${p}: ${err.message}`));
    server.listen(p, resolve);
  });
}

// The other listeners first, the main one last: the start line comes when all are up, before any
// request on the main port can be logged.
const others = [];
if (grpcPort !== undefined) {
  const grpc = http2.createServer();
  grpc.on('stream', onGrpcStream);
  grpc.on('sessionError', () => {}); // e.g. an HTTP/1 client or a bare TCP connect: that session ends
  others.push(listen(grpc, grpcPort, 'GRPC_PORT '));
}
if (httpsPort !== undefined) {
  // The self-signed certificate made at image build time (Dockerfile), next to this file.
  let tls;
  try {
    tls = { cert: fs.readFileSync(path.join(__dirname, 'tls.crt')), key: fs.readFileSync(path.join(__dirname, 'tls.key')) };
  } catch (err) {
    fail(`HTTPS_PORT=${httpsPort} needs tls.crt and tls.key in ${__dirname}: ${err.message}`);
  }
  others.push(listen(https.createServer(tls, requestHandler({ scheme: 'https', port: httpsPort })), httpsPort, 'HTTPS_PORT '));
}
for (const p of extraPorts) others.push(listen(http.createServer(requestHandler({ scheme: 'http', port: p, extra: true })), p, 'EXTRA_PORTS '));

const server = http.createServer(requestHandler({ scheme: 'http', port }));
Promise.all(others).then(() => {
  server.on('error', (err) => fail(`cannot listen on port ${port}: ${err.message}`));
  server.listen(port, () => {
    console.log(`http server started on ${port} (${describeMode()}; node ${process.version}; pid ${process.pid}${describeListeners()})`);
  });
});
