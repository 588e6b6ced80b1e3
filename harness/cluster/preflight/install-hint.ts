import type { ProviderName } from '../../run/config.js';

/**
 * The install.sh command that installs what a provider needs (its package list mirrors these
 * checks), optionally naming the Debian package it would install.
 */
export function installCommand(provider: ProviderName): string {
  return provider === 'local' ? './install.sh' : `./install.sh --provider ${provider}`;
}

export function installFix(provider: ProviderName, packages: readonly string[] = []): string {
  const list = [...new Set(packages)].sort();
  if (list.length === 0) return installCommand(provider);
  return `${installCommand(provider)} (installs apt package${list.length === 1 ? '' : 's'} ${list.join(' ')})`;
}
