import { found, missing, type CheckResult } from './check.js';

/** The local provider runs the kubelet, containerd and iptables changes on this machine. */
export function checkRoot(uid: number | undefined = process.getuid?.()): CheckResult {
  if (uid === 0) return found('root', 'running as uid 0');
  return missing('root', `running as uid ${uid ?? 'unknown'}`, {
    what: 'the local provider runs kubelet, containerd and iptables changes on this machine and needs root',
    fix: 'run as root (sudo -E npm test), or use --provider kind',
  });
}
