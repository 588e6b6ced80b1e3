import { describe, expect, it } from '@jest/globals';
import { E2eProgress, startProgressEndpoint, type E2eProgressUpdate } from '../../harness/upstream/e2e-progress.js';

const P4 = '[sig-node] Probing container should *not* be restarted with a exec "cat /tmp/health" liveness probe [NodeConformance] [Conformance]';

describe("e2e.test's progress posts -> one line per finished spec", () => {
  it('names the catalogue case, the time since the previous spec and the counts', () => {
    let t = 0;
    const progress = new E2eProgress(new Map([[P4, 'UP-P4']]), () => t);
    expect(progress.push({ msg: '', total: 64, completed: 0, skipped: 0, failed: 0 })).toBeUndefined();
    t = 242_300;
    expect(progress.push({ msg: `PASSED ${P4}`, total: 64, completed: 1, skipped: 7000, failed: 0 })).toBe(`UP-P4 passed after 4 min 02 s (1 of 64 specs done): ${P4}`);
    t += 12_000;
    expect(progress.push({ msg: 'FAILED [sig-node] Probing container something new', total: 64, completed: 1, failed: 1 })).toBe(
      'not in the catalogue failed after 12 s (2 of 64 specs done, 1 failed): [sig-node] Probing container something new (not in scenarios/upstream-cases.yaml)',
    );
    expect(progress.status()).toBe('2 of 64 specs done, 1 failed (last: not in the catalogue failed)');
  });

  it('receives them over HTTP on 127.0.0.1', async () => {
    const got: E2eProgressUpdate[] = [];
    const endpoint = await startProgressEndpoint((u) => got.push(u));
    try {
      expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/progress$/);
      const r = await fetch(endpoint.url, { method: 'POST', body: JSON.stringify({ msg: 'Test Suite starting', total: 3 }) });
      expect(r.status).toBe(204);
      await fetch(endpoint.url, { method: 'POST', body: 'not json' });
      expect(got).toEqual([{ msg: 'Test Suite starting', total: 3 }]);
    } finally {
      await endpoint.close();
    }
  });
});

describe("e2e.test's own output counts finished specs too", () => {
  it('a name line, then a bullet with the seconds: one line per spec, by catalogue ID', () => {
    let t = 0;
    const P9 = '[sig-node] Probing container should be restarted with an exec liveness probe with timeout [NodeConformance]';
    const progress = new E2eProgress(new Map([[P9, 'UP-P9']]), () => t);
    progress.push({ msg: '', total: 18, completed: 0, skipped: 0, failed: 0 });
    expect(progress.pushLogLine(`${P9} [sig-node, NodeConformance]`)).toBeUndefined();
    t = 62_000;
    expect(progress.pushLogLine('• [62.199 seconds]')).toBe(`UP-P9 passed after 1 min 02 s (1 of 18 specs done): ${P9}`);
    expect(progress.pushLogLine('[sig-node] PreStop something else [sig-node]')).toBeUndefined();
    expect(progress.pushLogLine('• [FAILED] [9.200 seconds]')).toMatch(/^not in the catalogue failed after .* \(2 of 18 specs done, 1 failed\): \[sig-node\] PreStop something else$/);
    expect(progress.pushLogLine('  I1202 05:37:59 container_probe.go:1756] Get pod')).toBeUndefined();
  });
});
