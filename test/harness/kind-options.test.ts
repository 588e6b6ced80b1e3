import { describe, expect, it } from '@jest/globals';
import { SetupError } from '../../harness/common/errors.js';
import { readConfig } from '../../harness/run/config.js';
import { kindOptions } from '../../harness/cluster/kind/kind-options.js';
import { DEFAULT_NODE_IMAGE, KIND_VERSION } from '../../harness/cluster/kind/kind-version.js';

const kind = (env: NodeJS.ProcessEnv) => kindOptions(readConfig({ PROBE_PROVIDER: 'kind', ...env }));

describe('kind options', () => {
  it('default to one node and the node image chosen for this machine (auto); kind v0.32.0\'s default is pinned by digest', () => {
    expect(KIND_VERSION).toBe('v0.32.0');
    expect(kind({})).toEqual({ nodeImage: 'auto', nodes: 1 });
    expect(DEFAULT_NODE_IMAGE).toMatch(/^kindest\/node:v1\.\d+\.\d+@sha256:[0-9a-f]{64}$/);
  });

  it('read PROBE_KIND_NODE_IMAGE and PROBE_NODES', () => {
    expect(kind({ PROBE_KIND_NODE_IMAGE: ' kindest/node:v1.34.3 ', PROBE_NODES: '2' })).toEqual({ nodeImage: 'kindest/node:v1.34.3', nodes: 2 });
    expect(kind({ PROBE_KIND_NODE_IMAGE: '', PROBE_NODES: '' })).toEqual({ nodeImage: 'auto', nodes: 1 });
    expect(kind({ PROBE_KIND_NODE_IMAGE: 'built' }).nodeImage).toBe('built');
    expect(kind({ PROBE_NODES: '10' }).nodes).toBe(10);
  });

  it('refuse a node count that is not a whole number from 1 to 10', () => {
    for (const bad of ['0', '-1', '1.5', 'two', '11']) {
      expect(() => kind({ PROBE_NODES: bad })).toThrow(SetupError);
    }
  });

  it('refuse an image reference with spaces', () => {
    expect(() => kind({ PROBE_KIND_NODE_IMAGE: 'kindest/node v1.34' })).toThrow(/PROBE_KIND_NODE_IMAGE="kindest\/node v1.34": use auto, built or an image reference without spaces/);
  });
});
