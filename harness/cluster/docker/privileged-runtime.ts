import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Log } from '../../common/log.js';
import type { RunConfig } from '../../run/config.js';
import { goBuild } from '../local/binaries.js';

/**
 * A privileged container (a kind node) asks runc for every capability Docker knows; on a host
 * whose bounding set lacks one (this machine: CAP_SYS_RESOURCE) runc fails with "unable to apply
 * caps". The dockerd this suite starts for kind then runs containers through caps-runc
 * (caps-runc/main.go), which cuts the request down to the host's bounding set. See docs/kind.md.
 */
export const CAPABILITY_NAMES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG',
  'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
] as const;

/** The capabilities Docker's privileged mode asks for that this process's bounding set lacks. */
export function missingCapabilities(status: string = readFileSync('/proc/self/status', 'utf8')): string[] {
  const hex = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  if (!hex) return [];
  const mask = BigInt(`0x${hex}`);
  return CAPABILITY_NAMES.filter((_, bit) => (mask & (1n << BigInt(bit))) === 0n);
}

/** dockerd arguments that make privileged containers start here: none when the host has every capability. */
export async function privilegedRuntimeArgs(config: Pick<RunConfig, 'cacheDir' | 'repoRoot'>, log: Log): Promise<string[]> {
  const missing = missingCapabilities();
  if (missing.length === 0) return [];
  const path = await goBuild(
    {
      name: 'caps-runc',
      moduleDir: join(config.repoRoot, 'harness', 'cluster', 'docker', 'caps-runc'),
      outDir: join(config.cacheDir, 'docker', 'caps-runc'),
      binary: 'caps-runc',
      ldflags: '-s -w',
      timeoutMs: 5 * 60_000,
    },
    log,
  );
  log(`this host lacks ${missing.join(', ')}: dockerd runs containers through ${path}, which leaves them out of privileged containers`);
  return ['--add-runtime', `caps-runc=${path}`, '--default-runtime', 'caps-runc'];
}
