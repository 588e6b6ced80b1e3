import { connect } from 'node:net';
import { SetupError, type Problem } from '../../common/errors.js';
import { checkOptIn, EXISTING_ENV, imageDelivery, type ExistingOptions, type ImageDelivery } from '../existing/existing-options.js';
import { chooseContext, loadKubeconfigs } from '../existing/kubeconfig.js';
import { combine, found, missing, type CheckResult } from './check.js';

/**
 * The existing provider's choices, made as its up() makes them (harness/cluster/existing), but
 * collected instead of thrown: the kubeconfig and context, the exact opt-in, how the demo images
 * reach the nodes, and whether the API server's port answers at all (a TCP connect with a short
 * timeout; credentials and permissions are checked by the run itself).
 */
export interface ExistingContextOptions {
  /** For the reachability check. Default 3 s. */
  connectTimeoutMs?: number;
}

export interface ExistingContextFacts {
  context?: string;
  server?: string;
  delivery?: ImageDelivery;
}

function asProblem(err: unknown): Problem {
  if (err instanceof SetupError) return { what: err.cause_, fix: err.fix };
  throw err;
}

/** host and port of an API server URL (https://h:6443 -> h, 6443; no port -> 443/80). */
export function serverAddress(server: string): { host: string; port: number } | undefined {
  try {
    const url = new URL(server);
    const port = url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
    return { host: url.hostname.replace(/^\[|\]$/g, ''), port };
  } catch {
    return undefined;
  }
}

/** Resolves with undefined when a TCP connection opens, else with why not. */
export function tcpReachable(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (why: string | undefined) => {
      socket.destroy();
      resolve(why);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs / 1000} s`));
    socket.once('connect', () => done(undefined));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
  });
}

export async function checkExistingContext(opts: ExistingOptions, options: ExistingContextOptions = {}): Promise<CheckResult & ExistingContextFacts> {
  let kc;
  try {
    kc = loadKubeconfigs(opts.kubeconfigFiles);
  } catch (err) {
    const p = asProblem(err);
    return missing('kubeconfig', p.what, p);
  }
  let chosen;
  try {
    chosen = chooseContext(kc, opts.context, opts.kubeconfigFiles);
  } catch (err) {
    const p = asProblem(err);
    return combine(found('kubeconfig', opts.kubeconfigFiles.join(', ')), missing('context', p.what, p));
  }
  const context = chosen.context.name;
  const server = chosen.cluster.server;
  const results: CheckResult[] = [found('kubeconfig', opts.kubeconfigFiles.join(', ')), found('context', `${context} (${server})`)];
  try {
    checkOptIn(context, opts.allowContext);
    results.push(found('opt-in', `${EXISTING_ENV.allowContext}=${context}`));
  } catch (err) {
    const p = asProblem(err);
    results.push(missing('opt-in', opts.allowContext === undefined ? `${EXISTING_ENV.allowContext} is not set` : `${EXISTING_ENV.allowContext}=${JSON.stringify(opts.allowContext)} does not match`, p));
  }
  let delivery: ImageDelivery | undefined;
  try {
    delivery = imageDelivery(context, opts);
    const how = delivery.kind === 'registry' ? `push to ${delivery.registry}` : delivery.kind === 'kind' ? `kind load into ${delivery.cluster}` : 'preloaded on the nodes';
    results.push(found('image delivery', how));
  } catch (err) {
    const p = asProblem(err);
    results.push(missing('image delivery', 'no registry, not a kind cluster', p));
  }
  const address = serverAddress(server);
  const timeout = options.connectTimeoutMs ?? 3_000;
  const why = address ? await tcpReachable(address.host, address.port, timeout) : `not a URL: ${server}`;
  results.push(
    why === undefined
      ? found('API server', `${server} accepts connections`)
      : missing('API server', `${server}: ${why}`, {
          what: `cluster unreachable: ${server} (${why})`,
          fix: `check that the cluster is running and reachable from here (kubectl --context ${context} get nodes), or pick another context with --context`,
        }),
  );
  return { ...combine(...results), context, server, ...(delivery ? { delivery } : {}) };
}
