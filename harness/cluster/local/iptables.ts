import type { Log } from '../../common/log.js';
import { run } from '../process/run.js';

/**
 * Removes the iptables chains the kubelet, kube-proxy and the CNI portmap plugin leave behind
 * on the host (KUBE-*, CNI-HOSTPORT-*), with the rules in other chains that jump to them.
 * Docker's chains are left alone. Runs for IPv4 and IPv6 (kube-proxy programs both families
 * when the kernel supports them).
 */
export const OWNED_CHAIN = /^(KUBE-|CNI-HOSTPORT-)/;

/** The iptables-restore --noflush input that removes the owned chains from one `iptables-save` dump. */
export function removalScript(save: string): string {
  const out: string[] = [];
  let table: string | undefined;
  let owned: string[] = [];
  let deletes: string[] = [];
  const flush = () => {
    if (table && owned.length > 0) {
      out.push(`*${table}`, ...deletes, ...owned.map((c) => `-F ${c}`), ...owned.map((c) => `-X ${c}`), 'COMMIT');
    }
  };
  for (const line of save.split('\n')) {
    if (line.startsWith('*')) {
      flush();
      table = line.slice(1).trim();
      owned = [];
      deletes = [];
    } else if (line.startsWith(':')) {
      const chain = line.slice(1).split(' ')[0]!;
      if (OWNED_CHAIN.test(chain)) owned.push(chain);
    } else if (line.startsWith('-A ')) {
      const chain = line.split(' ')[1]!;
      const target = /\s-[jg]\s+(\S+)/.exec(line)?.[1];
      if (!OWNED_CHAIN.test(chain) && target && OWNED_CHAIN.test(target)) deletes.push(`-D${line.slice(2)}`);
    }
  }
  flush();
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}

export async function removeKubeChains(log: Log): Promise<void> {
  for (const family of ['iptables', 'ip6tables']) {
    const save = await run(`${family}-save`, [], { reject: false });
    if (save.exitCode !== 0) continue;
    const script = removalScript(save.stdout);
    if (!script) continue;
    log(`${family}: removing KUBE-*/CNI-HOSTPORT-* chains`);
    const r = await run(`${family}-restore`, ['--noflush'], { input: script, reject: false });
    if (r.exitCode !== 0) log(`${family}-restore failed (ignored): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  }
}
