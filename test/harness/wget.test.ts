import { describe, expect, test } from '@jest/globals';
import type { ScenarioContext } from '../../harness/engine/scenario/context.js';
import { readWget, resolveUrl } from '../../harness/engine/steps/http.js';
import { FakeClusterView } from './fake-cluster-view.js';

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

describe('placeholders in an http step URL', () => {
  const view = new FakeClusterView({ pods: [{ metadata: { name: 'handler' }, status: { podIP: '10.244.0.9' } }] });
  const ctx = { view } as unknown as ScenarioContext;
  test('${podIP:NAME}, as in manifests, and the older {podIP:NAME}', async () => {
    await expect(resolveUrl(ctx, 'http://${podIP:handler}:8080/a')).resolves.toBe('http://10.244.0.9:8080/a');
    await expect(resolveUrl(ctx, 'http://{podIP:handler}:8080/a')).resolves.toBe('http://10.244.0.9:8080/a');
  });
  test('a pod without an IP names the placeholder', async () => {
    await expect(resolveUrl(ctx, 'http://${podIP:nobody}/')).rejects.toThrow('${podIP:nobody}: no address known (is the pod there?)');
  });
});
