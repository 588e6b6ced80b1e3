import { SetupError } from '../../common/errors.js';
import { run } from '../process/run.js';

/**
 * The gates a release knows, from `kube-apiserver --help` (lines like
 * `kube:ContainerStopSignals=true|false (ALPHA - default=false)`; every component lists the same
 * ones). Checked before the daemons start: an unknown gate would stop the API server at start.
 */
export function knownGates(helpText: string): Set<string> {
  return new Set([...helpText.matchAll(/(?:^|\s)(?:kube:)?([A-Z][A-Za-z0-9]*)=true\|false/g)].map((m) => m[1]!));
}

/** Why these gates cannot be set on this release (naming a close known name), or undefined. */
export function unknownGatesProblem(gates: Record<string, boolean>, known: Set<string>, release: string): string | undefined {
  const unknown = Object.keys(gates).filter((g) => !known.has(g));
  if (unknown.length === 0 || known.size === 0) return undefined;
  const like = (g: string) => [...known].find((k) => k.toLowerCase() === g.toLowerCase() || k.toLowerCase().includes(g.toLowerCase()));
  return unknown
    .map((g) => {
      const close = like(g);
      return `Kubernetes ${release} has no feature gate ${g}${close ? ` (did you mean ${close}?)` : ''}`;
    })
    .join('; ');
}

/** Refuses gates the built kube-apiserver does not know, before anything starts. */
export async function checkFeatureGates(gates: Record<string, boolean>, apiserver: string, release: string): Promise<void> {
  if (Object.keys(gates).length === 0) return;
  const help = await run(apiserver, ['--help'], { reject: false, timeoutMs: 30_000 });
  const problem = unknownGatesProblem(gates, knownGates(`${help.stdout}\n${help.stderr}`), release);
  if (problem) throw new SetupError(`--feature-gates: ${problem}`, `use gates the release lists (${apiserver} --help, under --feature-gates), or leave --feature-gates out`);
}
