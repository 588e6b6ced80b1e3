import { describe, expect, test } from '@jest/globals';
import { readWget } from '../../harness/engine/steps/http.js';

// Outputs captured from busybox 1.35 wget -S against a local server.
describe('reading busybox wget output', () => {
  test('a 200 with its body', () => {
    expect(readWget(0, 'hi\n', 'Connecting to 10.244.0.5:8080 (10.244.0.5:8080)\n  HTTP/1.1 200 OK\n  Content-Length: 3\n')).toEqual({ status: 200, body: 'hi\n' });
  });
  test('an error status is a status, not a transport error', () => {
    expect(readWget(1, '', 'Connecting to 10.244.0.5:80\n  HTTP/1.1 404 Not Found\nwget: server returned error: HTTP/1.1 404 Not Found\n')).toMatchObject({ status: 404 });
  });
  test('connection refused', () => {
    expect(readWget(1, '', "Connecting to 10.96.0.7:8080 (10.96.0.7:8080)\nwget: can't connect to remote host (10.96.0.7): Connection refused\n")).toMatchObject({ error: 'connection refused' });
  });
  test('killed by timeout', () => {
    expect(readWget(143, '', 'Connecting to 10.96.0.7:8080 (10.96.0.7:8080)\nTerminated\n')).toMatchObject({ error: 'timeout' });
  });
});
