/**
 * Whether Docker Hub's registry answers from this machine: the one question behind the `auto`
 * choices of image bases and kind node image (harness/cluster/registry-choice.ts). One HTTPS GET
 * of the registry's API root, which answers 401 to anyone; any HTTP answer counts as reachable.
 * Asked at most once per process.
 */
export const DOCKER_HUB_API = 'https://registry-1.docker.io/v2/';
const TIMEOUT_MS = 5_000;

export interface Reachability {
  reachable: boolean;
  /** e.g. `HTTP 401 from https://registry-1.docker.io/v2/` or `getaddrinfo ENOTFOUND registry-1.docker.io`. */
  detail: string;
}

export type ReachabilityProbe = () => Promise<Reachability>;

let asked: Promise<Reachability> | undefined;

export const dockerHubReachable: ReachabilityProbe = () => (asked ??= ask(DOCKER_HUB_API, TIMEOUT_MS));

async function ask(url: string, timeoutMs: number): Promise<Reachability> {
  try {
    const response = await fetch(url, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel().catch(() => undefined);
    return { reachable: true, detail: `HTTP ${response.status} from ${url}` };
  } catch (err) {
    return { reachable: false, detail: failureText(err, timeoutMs) };
  }
}

function failureText(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `no answer within ${timeoutMs / 1000} s`;
  const cause = err instanceof Error ? (err as Error & { cause?: unknown }).cause : undefined;
  if (cause instanceof Error) return cause.message;
  return err instanceof Error ? err.message : String(err);
}
