import { describe, expect, it } from '@jest/globals';
import { readConfig } from '../../harness/run/config.js';
import { chooseForThisMachine, choiceEnv, makeChoices } from '../../harness/cluster/registry-choice.js';
import type { Reachability } from '../../harness/cluster/docker/registry-reach.js';
import { DEFAULT_NODE_IMAGE } from '../../harness/cluster/kind/kind-version.js';

/** A probe answering as a machine with (or without) Docker Hub, counting how often it was asked. */
function hub(reachable: boolean): { probe: () => Promise<Reachability>; asked: () => number } {
  let n = 0;
  return {
    probe: () => {
      n += 1;
      return Promise.resolve({ reachable, detail: reachable ? 'HTTP 401 from https://registry-1.docker.io/v2/' : 'getaddrinfo ENOTFOUND registry-1.docker.io' });
    },
    asked: () => n,
  };
}

describe('the auto choices of --image-bases and --kind-node-image', () => {
  it('local: offline bases without asking Docker Hub', async () => {
    const h = hub(true);
    const { config, choices } = await makeChoices(readConfig({}), h.probe);
    expect(config.imageBases).toBe('offline');
    expect(h.asked()).toBe(0);
    expect(choices).toEqual([{ option: '--image-bases', value: 'offline', why: 'the local provider builds everything on this machine' }]);
  });

  it('kind without Docker Hub: offline bases and the suite-built node image, saying why', async () => {
    const h = hub(false);
    const lines: string[] = [];
    const config = await chooseForThisMachine(readConfig({ PROBE_PROVIDER: 'kind' }), (l) => lines.push(l), h.probe);
    expect(config.imageBases).toBe('offline');
    expect(config.kindNodeImage).toBe('built');
    expect(lines).toEqual([
      '--image-bases auto: offline (Docker Hub is not reachable (getaddrinfo ENOTFOUND registry-1.docker.io): built from Debian with debootstrap; give --image-bases to choose)',
      "--kind-node-image auto: built (Docker Hub is not reachable (getaddrinfo ENOTFOUND registry-1.docker.io): the suite's own node image, built offline; give --kind-node-image to choose)",
    ]);
  });

  it('kind with Docker Hub: official bases and kind\'s default kindest/node', async () => {
    const { config } = await makeChoices(readConfig({ PROBE_PROVIDER: 'kind' }), hub(true).probe);
    expect(config.imageBases).toBe('official');
    expect(config.kindNodeImage).toBe(DEFAULT_NODE_IMAGE);
  });

  it('a value given is kept, and Docker Hub is not asked for it', async () => {
    const h = hub(false);
    const { config, choices } = await makeChoices(readConfig({ PROBE_PROVIDER: 'kind', PROBE_IMAGE_BASES: 'official', PROBE_KIND_NODE_IMAGE: 'kindest/node:v1.34.0' }), h.probe);
    expect(config.imageBases).toBe('official');
    expect(config.kindNodeImage).toBe('kindest/node:v1.34.0');
    expect(choices).toEqual([]);
    expect(h.asked()).toBe(0);
  });

  it('existing: the bases follow Docker Hub; the node image is not the existing cluster\'s business', async () => {
    const { config } = await makeChoices(readConfig({ PROBE_PROVIDER: 'existing' }), hub(false).probe);
    expect(config.imageBases).toBe('offline');
    expect(config.kindNodeImage).toBe('auto');
  });

  it('Jest\'s processes get the choice as the options\' variables, and read it back unchanged', async () => {
    const { config } = await makeChoices(readConfig({ PROBE_PROVIDER: 'kind' }), hub(false).probe);
    const env = choiceEnv(config);
    expect(env).toEqual({ PROBE_IMAGE_BASES: 'offline', PROBE_KIND_NODE_IMAGE: 'built' });
    const again = readConfig({ PROBE_PROVIDER: 'kind', ...env });
    expect(again.imageBases).toBe('offline');
    expect(again.kindNodeImage).toBe('built');
  });
});
