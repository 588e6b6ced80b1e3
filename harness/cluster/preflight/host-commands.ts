import { join } from 'node:path';
import type { ProviderName } from '../../run/config.js';
import { combine, found, type CheckResult } from './check.js';
import { findExecutable, isExecutableFile } from './executables.js';
import { installFix } from './install-hint.js';

/** The commands and CNI plugins a local cluster runs, each with the Debian package that provides it. */
export const REQUIRED_COMMANDS: Readonly<Record<string, string>> = {
  containerd: 'containerd',
  'containerd-shim-runc-v2': 'containerd',
  ctr: 'containerd',
  runc: 'runc',
  iptables: 'iptables',
  'iptables-save': 'iptables',
  'iptables-restore': 'iptables',
  ip: 'iproute2',
  ss: 'iproute2',
  openssl: 'openssl',
  conntrack: 'conntrack',
  mount: 'mount',
  umount: 'mount',
  nsenter: 'util-linux',
};

export const CNI_BIN_DIR = '/usr/lib/cni';
export const CNI_PLUGINS = ['bridge', 'host-local', 'portmap', 'loopback'] as const;
export const CNI_PACKAGE = 'containernetworking-plugins';

export interface HostCommandOptions {
  /** Searched like PATH. Default: process.env.PATH. */
  path?: string;
  cniBinDir?: string;
  /** Whose install.sh command the fixes name. Default local. */
  provider?: ProviderName;
}

/**
 * One line per command and plugin; one problem per missing Debian package (naming every command
 * of it that is missing), so everything missing is listed at once.
 */
export function checkHostCommands(options: HostCommandOptions = {}): CheckResult {
  const cniDir = options.cniBinDir ?? CNI_BIN_DIR;
  const provider = options.provider ?? 'local';
  const results: CheckResult[] = [];
  const missingByPackage = new Map<string, string[]>();
  const miss = (name: string, pkg: string) => missingByPackage.set(pkg, [...(missingByPackage.get(pkg) ?? []), name]);

  for (const [command, pkg] of Object.entries(REQUIRED_COMMANDS)) {
    const at = findExecutable(command, options.path);
    if (at) results.push(found(command, at));
    else {
      results.push({ lines: [{ name: command, ok: false, detail: `not on PATH (apt package ${pkg})` }], problems: [], notes: [] });
      miss(command, pkg);
    }
  }
  for (const plugin of CNI_PLUGINS) {
    const file = join(cniDir, plugin);
    if (isExecutableFile(file)) results.push(found(`CNI ${plugin}`, file));
    else {
      results.push({ lines: [{ name: `CNI ${plugin}`, ok: false, detail: `no executable ${file} (apt package ${CNI_PACKAGE})` }], problems: [], notes: [] });
      miss(file, CNI_PACKAGE);
    }
  }
  const problems = [...missingByPackage].map(([pkg, names]) => ({
    what: `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} missing (the local cluster runs ${names.length === 1 ? 'it' : 'them'})`,
    fix: installFix(provider, [pkg]),
  }));
  return { ...combine(...results), problems };
}
