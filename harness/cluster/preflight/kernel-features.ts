import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { combine, found, missing, type CheckResult } from './check.js';

/** Kernel features the kubelet and the pod network rely on. */
export interface KernelPaths {
  /** Default /dev/kmsg. */
  kmsg?: string;
  /** Default /proc. */
  proc?: string;
}

export function checkKernelFeatures(paths: KernelPaths = {}): CheckResult {
  const kmsg = paths.kmsg ?? '/dev/kmsg';
  const proc = paths.proc ?? '/proc';
  const brNetfilter = join(proc, 'sys/net/bridge/bridge-nf-call-iptables');
  const filesystems = join(proc, 'filesystems');
  let overlay = false;
  try {
    overlay = /\boverlay\b/.test(readFileSync(filesystems, 'utf8'));
  } catch {
    /* reported as missing */
  }
  return combine(
    existsSync(kmsg)
      ? found('/dev/kmsg', kmsg)
      : missing('/dev/kmsg', `${kmsg} does not exist`, {
          what: `${kmsg} is missing (the kubelet's OOM watcher reads it)`,
          fix: `ln -s /dev/console ${kmsg}`,
        }),
    existsSync(brNetfilter)
      ? found('br_netfilter', brNetfilter)
      : missing('br_netfilter', `${brNetfilter} does not exist`, {
          what: 'the br_netfilter module is not loaded (pod -> Service -> pod on one bridge would fail)',
          fix: 'sudo modprobe br_netfilter (apt package kmod)',
        }),
    overlay
      ? found('overlay filesystem', `listed in ${filesystems}`)
      : missing('overlay filesystem', `not in ${filesystems}`, {
          what: 'the kernel has no overlay filesystem (containerd unpacks images onto it)',
          fix: 'sudo modprobe overlay',
        }),
  );
}
