import { parseArgs, type ParseArgsConfig } from 'node:util';
import { OPTION_KEYS, OPTIONS, type DefaultContext, type Option, type OptionKey, type RunConfig, type RunOptions } from './options.js';
import { repoRoot } from './repo-root.js';
import { AUTO, BUILT_NODE_IMAGE } from '../cluster/kind/kind-options.js';
import { resolveRelease } from '../cluster/releases.js';
import { upstreamE2eVersion } from '../upstream/e2e-binaries.js';

/** A value as the user gave it, and where: a flag (`--nodes`) or a variable (`PROBE_NODES`). */
interface Given {
  text: string;
  source: string;
  /** A flag without a value (--keep-cluster): refusals name just the flag. */
  bare?: boolean;
}

type GivenValues = Partial<Record<OptionKey, Given>>;

export type ConfigResult = { config: RunConfig } | { error: string };

export type CommandLine =
  | { kind: 'help' }
  | { kind: 'error'; error: string }
  | { kind: 'run'; config: RunConfig; jestArgs: string[]; flagEnv: Record<string, string>; doctor: boolean };

function shown(value: string): string {
  return value === '' || /[\s"]/.test(value) || /[\u0000-\u001f\u007f]/.test(value) ? JSON.stringify(value) : value;
}

function refusal(given: Given, use: string): string {
  if (given.bare) return `${given.source}: ${use}`;
  return given.source.startsWith('--') ? `${given.source} ${shown(given.text)}: ${use}` : `${given.source}=${shown(given.text)}: ${use}`;
}

function fromEnv(env: NodeJS.ProcessEnv): GivenValues {
  const given: GivenValues = {};
  for (const key of OPTION_KEYS) {
    const text = env[OPTIONS[key].env];
    if (text !== undefined && text.trim() !== '') given[key] = { text, source: OPTIONS[key].env };
  }
  return given;
}

function valueOf<T>(option: Option<T>, given: Given | undefined, context: DefaultContext): { value: T } | { error: string } {
  if (!given) return { value: option.default(context) };
  const parsed = option.schema.safeParse(given.text);
  if (!parsed.success) return { error: refusal(given, option.use) };
  const refused = option.refuse?.(parsed.data, context.provider);
  return refused ? { error: refusal(given, refused) } : { value: parsed.data };
}

function bothGiven(given: GivenValues, a: OptionKey, b: OptionKey): string {
  const name = (key: OptionKey) => given[key]?.source ?? OPTIONS[key].env;
  return `${name(a)} and ${name(b)} are both set: use one of them`;
}

/** The typed configuration from the given values (blank means unset), or the first refusal, in one line. */
export function resolveConfig(given: GivenValues, env: NodeJS.ProcessEnv): ConfigResult {
  const provider = valueOf(OPTIONS.provider, given.provider, { provider: 'local', env });
  if ('error' in provider) return provider;
  const context: DefaultContext = { provider: provider.value, env };
  const options: Partial<Record<OptionKey, unknown>> = {};
  for (const key of OPTION_KEYS) {
    const result = valueOf(OPTIONS[key] as Option<unknown>, given[key], context);
    if ('error' in result) return result;
    options[key] = result.value;
  }
  const config = { ...(options as unknown as RunOptions), repoRoot: repoRoot() };
  // upstream's e2e.test runs against the release it is built of, whatever the default is.
  if (config.upstreamE2e && config.kubernetes === undefined) config.kubernetes = upstreamE2eVersion(config.repoRoot).slice(1);
  if (config.imageRegistry !== undefined && config.imagesPreloaded) return { error: bothGiven(given, 'imageRegistry', 'imagesPreloaded') };
  const versionClash = kubernetesClash(config, given);
  if (versionClash) return { error: versionClash };
  return { config };
}

/** --kubernetes with options that run a version of their own: a named kind node image, upstream's e2e.test (built of one release). */
function kubernetesClash(config: RunConfig, given: GivenValues): string | undefined {
  if (config.kubernetes === undefined || given.kubernetes === undefined) return undefined;
  const flag = given.kubernetes?.source ?? OPTIONS.kubernetes.flag!;
  if (config.provider === 'kind' && config.kindNodeImage !== AUTO && config.kindNodeImage !== BUILT_NODE_IMAGE) {
    return `${flag} ${config.kubernetes} and --kind-node-image ${config.kindNodeImage}: a named node image runs its own version; leave one out (--kubernetes builds the suite's own node image of that release)`;
  }
  const release = resolveRelease(config.repoRoot, config.kubernetes);
  const e2e = upstreamE2eVersion(config.repoRoot);
  if (config.upstreamE2e && release !== e2e) {
    return `${flag} ${config.kubernetes} and --upstream-e2e: upstream's e2e.test is built of ${e2e.slice(1)} only (harness/upstream/gobuild/e2e/go.mod); leave --kubernetes out for --upstream-e2e (it runs on ${e2e.slice(1)})`;
  }
  return undefined;
}

/** The run's options from PROBE_* variables (and KUBECONFIG) alone, as Jest's processes read them. */
export function configFromEnv(env: NodeJS.ProcessEnv): ConfigResult {
  return resolveConfig(fromEnv(env), env);
}

const FLAG_KEYS = OPTION_KEYS.filter((key) => OPTIONS[key].flag !== undefined);

const PARSE_OPTIONS: ParseArgsConfig['options'] = {
  help: { type: 'boolean', short: 'h' },
  doctor: { type: 'boolean' },
  ...Object.fromEntries(FLAG_KEYS.map((key) => [OPTIONS[key].flag!.slice(2), { type: OPTIONS[key].value ? 'string' : 'boolean' }])),
};

function flagKey(rawName: string): OptionKey | undefined {
  return FLAG_KEYS.find((key) => OPTIONS[key].flag === rawName);
}

/**
 * `npm test -- ...`: the suite's flags (over its variables) into a RunConfig and the PROBE_*
 * variables Jest's processes get; every other argument is left for Jest, unchanged and in order.
 */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): CommandLine {
  const { tokens } = parseArgs({ args: [...argv], options: PARSE_OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const given = fromEnv(env);
  const flagEnv: Record<string, string> = {};
  const jestArgs: string[] = [];
  const passed = new Set<number>();
  let doctor = false;
  for (const token of tokens) {
    if (token.kind === 'option' && (argv[token.index] === '--help' || argv[token.index] === '-h')) return { kind: 'help' };
    const key = token.kind === 'option' ? flagKey(token.rawName) : undefined;
    if (token.kind === 'option' && token.rawName === '--doctor') {
      doctor = true;
    } else if (token.kind === 'option' && key) {
      const option = OPTIONS[key];
      const name = option.flag!;
      if (!option.value && token.value !== undefined) return { kind: 'error', error: `${name}=${token.value}: ${name} takes no value (leave it out for no)` };
      const text = option.value ? token.value : '1';
      if (text === undefined || text === '' || text.startsWith('--')) return { kind: 'error', error: `${name} needs a value` };
      given[key] = { text, source: name, ...(option.value ? {} : { bare: true }) };
      flagEnv[option.env] = text;
    } else if (!passed.has(token.index)) {
      passed.add(token.index);
      jestArgs.push(argv[token.index]!);
    }
  }
  const result = resolveConfig(given, env);
  if ('error' in result) return { kind: 'error', error: result.error };
  return { kind: 'run', config: result.config, jestArgs, flagEnv, doctor };
}
