import type { BaseMode, RunConfig } from '../run/config.js';
import { OPTIONS } from '../run/options.js';
import type { Log } from '../common/log.js';
import { dockerHubReachable, type ReachabilityProbe } from './docker/registry-reach.js';
import { DEFAULT_NODE_IMAGE } from './kind/kind-version.js';
import { AUTO, BUILT_NODE_IMAGE } from './kind/kind-options.js';

/** A run configuration whose `auto` choices are made: what the preflight and the providers read. */
export type ChosenConfig = Omit<RunConfig, 'imageBases'> & { imageBases: BaseMode };

export interface Choice {
  option: '--image-bases' | '--kind-node-image';
  value: string;
  why: string;
}

/**
 * Turns `--image-bases auto` and `--kind-node-image auto` (the defaults) into what this machine
 * can use (docs/kind-node-image.md#which-node-image):
 *   - image bases: `offline` with the local provider (it needs no registry); otherwise `official`
 *     when Docker Hub answers and `offline` when it does not;
 *   - kind node image: kind's own `kindest/node` when Docker Hub answers, else the suite's own
 *     (`built`, offline, cached).
 * Docker Hub is asked once (registry-reach.ts), and only when a choice depends on it.
 */
export async function makeChoices(config: RunConfig, probe: ReachabilityProbe = dockerHubReachable): Promise<{ config: ChosenConfig; choices: Choice[] }> {
  const choices: Choice[] = [];
  let imageBases: BaseMode;
  if (config.imageBases !== AUTO) imageBases = config.imageBases;
  else if (config.provider === 'local') {
    imageBases = 'offline';
    choices.push({ option: '--image-bases', value: 'offline', why: 'the local provider builds everything on this machine' });
  } else {
    const hub = await probe();
    imageBases = hub.reachable ? 'official' : 'offline';
    choices.push({ option: '--image-bases', value: imageBases, why: hub.reachable ? `Docker Hub answers (${hub.detail})` : `Docker Hub is not reachable (${hub.detail}): built from Debian with debootstrap` });
  }
  let kindNodeImage = config.kindNodeImage;
  if (config.provider === 'kind' && kindNodeImage === AUTO && config.kubernetes !== undefined) {
    kindNodeImage = BUILT_NODE_IMAGE;
    choices.push({ option: '--kind-node-image', value: kindNodeImage, why: `--kubernetes ${config.kubernetes}: the suite's own node image of that release` });
  } else if (config.provider === 'kind' && kindNodeImage === AUTO) {
    const hub = await probe();
    kindNodeImage = hub.reachable ? DEFAULT_NODE_IMAGE : BUILT_NODE_IMAGE;
    choices.push({
      option: '--kind-node-image',
      value: kindNodeImage,
      why: hub.reachable ? `Docker Hub answers (${hub.detail}): kind's default node image` : `Docker Hub is not reachable (${hub.detail}): the suite's own node image, built offline`,
    });
  }
  return { config: { ...config, imageBases, kindNodeImage }, choices };
}

/** makeChoices, with a line per choice made: `auto` is never silent. */
export async function chooseForThisMachine(config: RunConfig, log: Log, probe?: ReachabilityProbe): Promise<ChosenConfig> {
  const { config: chosen, choices } = await makeChoices(config, probe);
  for (const c of choices) log(`${c.option} auto: ${c.value.split('@')[0]} (${c.why}; give ${c.option} to choose)`);
  return chosen;
}

/** The chosen values as the options' variables, for Jest's processes (they then see no `auto`). */
export function choiceEnv(config: ChosenConfig): Record<string, string> {
  return { [OPTIONS.imageBases.env]: config.imageBases, [OPTIONS.kindNodeImage.env]: config.kindNodeImage };
}
