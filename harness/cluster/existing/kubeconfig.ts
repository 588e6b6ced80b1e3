import { existsSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import { SetupError } from '../../common/errors.js';
import { EXISTING_ENV } from './existing-options.js';

/**
 * The user's kubeconfig(s) and the one context the run uses. Several KUBECONFIG files merge as
 * kubectl merges them: missing files are skipped, and the first file that defines a cluster, user
 * or context name (or the current context) wins.
 */
export function loadKubeconfigs(files: readonly string[]): k8s.KubeConfig {
  const present = files.filter((f) => existsSync(f));
  if (present.length === 0) {
    throw new SetupError(
      `no kubeconfig found (looked for ${files.join(', ')})`,
      'point KUBECONFIG at the kubeconfig of the cluster to test (the existing provider never creates one)',
    );
  }
  const merged = new k8s.KubeConfig();
  merged.loadFromOptions({ clusters: [], users: [], contexts: [], currentContext: '' });
  for (const file of present) {
    const kc = new k8s.KubeConfig();
    try {
      kc.loadFromFile(file);
    } catch (e) {
      throw new SetupError(`cannot read kubeconfig ${file}: ${(e as Error).message}`, `check it with: kubectl --kubeconfig ${file} config view`, { cause: e });
    }
    if (!merged.currentContext && kc.currentContext) merged.currentContext = kc.currentContext;
    for (const c of kc.clusters) if (!merged.getCluster(c.name)) merged.clusters.push(c);
    for (const u of kc.users) if (!merged.getUser(u.name)) merged.users.push(u);
    for (const c of kc.contexts) if (!merged.getContextObject(c.name)) merged.contexts.push(c);
  }
  return merged;
}

/** PROBE_CONTEXT if given, else the current context; it must exist and name a cluster that exists. */
export function chooseContext(kc: k8s.KubeConfig, requested: string | undefined, files: readonly string[]): { context: k8s.Context; cluster: k8s.Cluster } {
  const name = requested ?? kc.currentContext;
  const known = kc.contexts.map((c) => c.name);
  const list = known.length ? known.join(', ') : 'none';
  if (!name) {
    throw new SetupError(
      `the kubeconfig (${files.join(', ')}) has no current context`,
      `name the context to test with ${EXISTING_ENV.context}=<name> (contexts: ${list})`,
    );
  }
  const context = kc.getContextObject(name);
  if (!context) {
    throw new SetupError(
      `context ${JSON.stringify(name)} is not in the kubeconfig (${files.join(', ')})`,
      `set ${EXISTING_ENV.context} to one of: ${list}`,
    );
  }
  const cluster = kc.getCluster(context.cluster);
  if (!cluster) {
    throw new SetupError(
      `context ${JSON.stringify(name)} names cluster ${JSON.stringify(context.cluster)}, which the kubeconfig does not define`,
      `fix the kubeconfig (kubectl config view --context ${name})`,
    );
  }
  return { context, cluster };
}

/**
 * A kubeconfig holding only the chosen context (its cluster and user), with it as the current
 * context: the test workers cannot reach any other cluster through it. Relative certificate paths
 * were made absolute when the files were loaded.
 */
export function singleContextKubeconfig(kc: k8s.KubeConfig, contextName: string): string {
  const context = kc.getContextObject(contextName);
  if (!context) throw new Error(`context ${contextName} is not in the kubeconfig`);
  const cluster = kc.getCluster(context.cluster);
  const user = context.user ? kc.getUser(context.user) : null;
  const only = new k8s.KubeConfig();
  only.loadFromOptions({ clusters: cluster ? [cluster] : [], users: user ? [user] : [], contexts: [context], currentContext: '' });
  only.setCurrentContext(contextName);
  return `${only.exportConfig()}\n`;
}
