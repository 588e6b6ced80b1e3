import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { NodeAccess } from '../../harness/engine/cluster-access.js';
import { fileNodePathJournal, removePendingNodePaths } from '../../harness/run/node-path-journal.js';

describe('node paths of scenarios that did not finish', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'journal-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const recorder = () => {
    const removed: string[] = [];
    const access: NodeAccess = { readFile: async () => '', remove: async (node, path) => void removed.push(`${node} ${path}`) };
    return { removed, access };
  };

  it('are removed on every node when the run stops; a finished scenario leaves nothing to remove', async () => {
    const journal = fileNodePathJournal(dir);
    journal.pending('pc-a-1', '/tmp/probe-conformance-pc-a-1');
    journal.pending('pc-b-2', '/tmp/probe-conformance-pc-b-2');
    journal.pending('pc-b-2', '/tmp/probe-conformance-pc-b-2');
    journal.done('pc-a-1', '/tmp/probe-conformance-pc-a-1');
    expect(existsSync(join(dir, 'pending-node-paths', 'pc-a-1.json'))).toBe(false);
    const { removed, access } = recorder();
    await removePendingNodePaths(dir, ['n1', 'n2'], access, () => undefined);
    expect(removed).toEqual(['n1 /tmp/probe-conformance-pc-b-2', 'n2 /tmp/probe-conformance-pc-b-2']);
    expect(existsSync(join(dir, 'pending-node-paths', 'pc-b-2.json'))).toBe(false);
  });

  it('never removes a path that does not name its namespace', async () => {
    fileNodePathJournal(dir).pending('pc-c-3', '/etc');
    const { removed, access } = recorder();
    await removePendingNodePaths(dir, ['n1'], access, () => undefined);
    expect(removed).toEqual([]);
  });
});
