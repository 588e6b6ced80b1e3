import type { DiskOptions } from './free-disk.js';

/**
 * Where the preflight looks on this machine. Every field defaults to the real thing; tests point
 * them at temp dirs and PATHs of fake executables.
 */
export interface MachineOptions {
  /** PATH (where commands are looked up) and DOCKER_HOST; the options come in the RunConfig. Default process.env. */
  env?: NodeJS.ProcessEnv;
  uid?: number;
  cniBinDir?: string;
  kmsg?: string;
  proc?: string;
  cgroupRoot?: string;
  isCgroup2?: (root: string) => boolean;
  daemonJson?: string;
  /** Where `go` is looked for when it is not on PATH. Default /usr/local/go/bin/go. */
  goFallbacks?: readonly string[];
  disk?: DiskOptions;
  connectTimeoutMs?: number;
}
