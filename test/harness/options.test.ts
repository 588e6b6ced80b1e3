import { describe, expect, it } from '@jest/globals';
import { SetupError } from '../../harness/common/errors.js';
import { buildableReleases, DEFAULT_RELEASE, resolveRelease } from '../../harness/cluster/releases.js';
import { readConfig, repoRoot } from '../../harness/run/config.js';
import { OPTION_KEYS, OPTIONS, type OptionKey, type RunConfig } from '../../harness/run/options.js';
import { parseOptions } from '../../harness/run/parse-options.js';

function refusal(env: NodeJS.ProcessEnv): string {
  try {
    readConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(SetupError);
    expect((e as SetupError).fix).toBe('see npm test -- --help or docs/options.md');
    return (e as SetupError).cause_;
  }
  throw new Error(`readConfig accepted ${JSON.stringify(env)}`);
}

function flagError(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  const r = parseOptions(argv, env);
  if (r.kind !== 'error') throw new Error(`parseOptions accepted ${argv.join(' ')}`);
  return r.error;
}

function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const r = parseOptions(argv, env);
  if (r.kind !== 'run') throw new Error(`parseOptions: ${JSON.stringify(r)}`);
  return r;
}

/** For every option, one invalid value and the one line that refuses it (after "<flag> <value>: "). */
const INVALID: Record<OptionKey, [string, string]> = {
  provider: ['minikube', 'use one of local, kind, existing'],
  nodes: ['0', 'use a whole number from 1 to 10 (local: 1 to 4)'],
  kubernetes: ['latest', 'use a Kubernetes minor or release, e.g. 1.36 or 1.36.3'],
  runtime: ['docker', 'use one of containerd1, containerd2'],
  featureGates: ['ContainerStopSignals=on', 'use gate names with =true or =false, separated by commas, e.g. ContainerStopSignals=true'],
  keepCluster: ['maybe', 'use 1, true or yes (or 0, false, no)'],
  mutations: ['some', 'use one of off, only, also'],
  scenarios: ['A001-8,a b', 'use scenario folder names or their starts, comma-separated, e.g. A001-8,A003-7'],
  scenariosDir: ['/tmp/a\tb', 'use a directory without control characters'],
  repeat: ['0', 'use a whole number from 1 to 50'],
  concurrency: ['65', 'use a whole number from 1 to 64'],
  upstreamE2e: ['maybe', 'use 1, true or yes (or 0, false, no)'],
  imageBases: ['dockerhub', 'use one of auto, official, offline'],
  kindNodeImage: ['kindest/node v1.34', 'use auto, built or an image reference without spaces, e.g. kindest/node:v1.34.0'],
  context: ['kind-\u0007', 'use a context name without control characters'],
  allowContext: ['prod\nx', 'use the context name without control characters'],
  imageRegistry: ['https://ghcr.io/me', 'use host[:port][/path] without a scheme, e.g. localhost:5000 or ghcr.io/me'],
  imagesPreloaded: ['2', 'use 1, true or yes (or 0, false, no)'],
  nodeAccess: ['{"kind":"ssh"}', 'use {"kind":"local"} (this machine is the only node), {"kind":"docker"} (nodes are containers) or {"kind":"none","reason":"..."}'],
  kubeconfigFiles: ['/a\n/b', 'use kubeconfig paths separated by : without control characters'],
  debianMirror: ['deb.debian.org/debian', 'use the http(s):// or file:// URI of a Debian archive, e.g. http://deb.debian.org/debian'],
  cacheDir: ['/tmp/a\tb', 'use a directory without control characters'],
  stateDir: ['/var/\u0000', 'use a directory without control characters'],
  reportsDir: ['out\r', 'use a directory without control characters'],
};

const shown = (v: string) => (/[\s\u0000-\u001f"]/.test(v) ? JSON.stringify(v) : v);

describe('every invalid value of every option is refused with one line', () => {
  it('the table above covers every option', () => {
    expect(Object.keys(INVALID).sort()).toEqual([...OPTION_KEYS].sort());
  });

  it.each(OPTION_KEYS)('%s, as its variable: a SetupError naming it', (key) => {
    const [value, use] = INVALID[key];
    const line = refusal({ [OPTIONS[key].env]: value });
    expect(line).toBe(`${OPTIONS[key].env}=${shown(value)}: ${use}`);
    expect(line).not.toContain('\n');
  });

  it.each(OPTION_KEYS.filter((key) => OPTIONS[key].flag && OPTIONS[key].value))('%s, as its flag', (key) => {
    const [value, use] = INVALID[key];
    expect(flagError([OPTIONS[key].flag!, value])).toBe(`${OPTIONS[key].flag} ${shown(value)}: ${use}`);
  });

  it('a node count the local provider cannot run, and a registry with preloaded images', () => {
    expect(refusal({ PROBE_NODES: '5' })).toBe('PROBE_NODES=5: use a whole number from 1 to 4 with the local provider, or --provider kind');
    expect(flagError(['--nodes', '5'])).toBe('--nodes 5: use a whole number from 1 to 4 with the local provider, or --provider kind');
    expect(run(['--nodes', '5', '--provider', 'kind']).config.nodes).toBe(5);
    expect(refusal({ PROBE_IMAGE_REGISTRY: 'localhost:5000', PROBE_IMAGES_PRELOADED: 'yes' })).toBe('PROBE_IMAGE_REGISTRY and PROBE_IMAGES_PRELOADED are both set: use one of them');
    expect(flagError(['--image-registry', 'localhost:5000'], { PROBE_IMAGES_PRELOADED: '1' })).toBe('--image-registry and PROBE_IMAGES_PRELOADED are both set: use one of them');
  });

  it('--upstream-e2e with the existing provider: refused before anything starts; local and kind take it', () => {
    expect(flagError(['--upstream-e2e', '--provider', 'existing'])).toBe("--upstream-e2e: upstream's e2e cases run only on a cluster the suite brings up (--provider local or kind): it builds e2e.test of that cluster's version and loads the images e2e.test asks for");
    expect(refusal({ PROBE_UPSTREAM_E2E: 'yes', PROBE_PROVIDER: 'existing' })).toBe("PROBE_UPSTREAM_E2E=yes: upstream's e2e cases run only on a cluster the suite brings up (--provider local or kind): it builds e2e.test of that cluster's version and loads the images e2e.test asks for");
    expect(run(['--upstream-e2e', '--provider', 'kind']).config.upstreamE2e).toBe(true);
    expect(run(['--upstream-e2e']).config.upstreamE2e).toBe(true);
    expect(run(['--upstream-e2e']).flagEnv).toEqual({ PROBE_UPSTREAM_E2E: '1' });
  });

  it('a flag without its value, and a value given to --keep-cluster', () => {
    expect(flagError(['--provider'])).toBe('--provider needs a value');
    expect(flagError(['--context='])).toBe('--context needs a value');
    expect(flagError(['--provider', '--keep-cluster'])).toBe('--provider needs a value');
    expect(flagError(['--keep-cluster=yes'])).toBe('--keep-cluster=yes: --keep-cluster takes no value (leave it out for no)');
  });
});

describe('valid values make a typed RunConfig', () => {
  it('defaults', () => {
    const expected: RunConfig = {
      provider: 'local',
      nodes: 1,
      kubernetes: undefined,
      runtime: 'containerd1',
      featureGates: {},
      keepCluster: false,
      mutations: 'off',
      scenarios: undefined,
      scenariosDir: `${repoRoot()}/scenarios`,
      repeat: 1,
      concurrency: 8,
      upstreamE2e: false,
      imageBases: 'auto',
      kindNodeImage: 'auto',
      context: undefined,
      allowContext: undefined,
      imageRegistry: undefined,
      imagesPreloaded: false,
      nodeAccess: undefined,
      kubeconfigFiles: ['/home/u/.kube/config'],
      debianMirror: undefined,
      cacheDir: '/home/u/.cache/probe-conformance',
      stateDir: '/var/lib/probe-conformance',
      reportsDir: `${repoRoot()}/reports`,
      repoRoot: repoRoot(),
    };
    expect(readConfig({ HOME: '/home/u' })).toEqual(expected);
    expect(readConfig({ HOME: '/home/u', XDG_CACHE_HOME: '/xdg' }).cacheDir).toBe('/xdg/probe-conformance');
    expect(readConfig({ PROBE_PROVIDER: 'kind' }).imageBases).toBe('auto');
  });

  it('every variable set', () => {
    const config = readConfig({
      PROBE_PROVIDER: ' Existing ',
      PROBE_NODES: '2',
      PROBE_KEEP_CLUSTER: 'TRUE',
      PROBE_MUTATIONS: 'also',
      PROBE_IMAGE_BASES: 'Offline',
      PROBE_KIND_NODE_IMAGE: ' kindest/node:v1.34.3 ',
      PROBE_CONTEXT: ' kind-probe ',
      PROBE_ALLOW_CONTEXT: 'kind-probe',
      PROBE_IMAGE_REGISTRY: 'ghcr.io/me/',
      PROBE_IMAGES_PRELOADED: 'no',
      KUBECONFIG: '/a:/b::',
      PROBE_DEBIAN_MIRROR: 'http://cache.lan:3142/debian/',
      PROBE_CACHE_DIR: '/c',
      PROBE_STATE_DIR: '/s/',
      PROBE_REPORTS_DIR: 'out',
      PROBE_SCENARIOS_DIR: 'mine',
    });
    expect(config).toEqual({
      provider: 'existing',
      nodes: 2,
      kubernetes: undefined,
      runtime: 'containerd1',
      featureGates: {},
      keepCluster: true,
      mutations: 'also',
      scenariosDir: `${process.cwd()}/mine`,
      repeat: 1,
      concurrency: 8,
      upstreamE2e: false,
      imageBases: 'offline',
      kindNodeImage: 'kindest/node:v1.34.3',
      context: 'kind-probe',
      allowContext: 'kind-probe',
      imageRegistry: 'ghcr.io/me',
      imagesPreloaded: false,
      nodeAccess: undefined,
      kubeconfigFiles: ['/a', '/b'],
      debianMirror: 'http://cache.lan:3142/debian',
      cacheDir: '/c',
      stateDir: '/s',
      reportsDir: `${process.cwd()}/out`,
      repoRoot: repoRoot(),
    });
  });

  it('yes/no variables take 1, true, yes and 0, false, no (any case); an empty variable is unset', () => {
    for (const yes of ['1', 'true', 'YES']) expect(readConfig({ PROBE_KEEP_CLUSTER: yes }).keepCluster).toBe(true);
    for (const no of ['0', 'False', 'no', '', ' ']) expect(readConfig({ PROBE_KEEP_CLUSTER: no }).keepCluster).toBe(false);
    expect(readConfig({ PROBE_PROVIDER: '', PROBE_NODES: ' ' })).toMatchObject({ provider: 'local', nodes: 1 });
  });
});

describe('--kubernetes', () => {
  it('takes a minor or a release this checkout builds, for local and kind', () => {
    expect(run(['--kubernetes', '1.34']).config.kubernetes).toBe('1.34');
    expect(run(['--kubernetes', 'v1.35.4', '--provider', 'kind']).config.kubernetes).toBe('v1.35.4');
    expect(run(['--kubernetes', '1.35.4']).flagEnv).toEqual({ PROBE_KUBERNETES: '1.35.4' });
  });

  it('refuses a release the checkout does not build, naming the ones it does and how to add one', () => {
    expect(flagError(['--kubernetes', '1.30.1'])).toMatch(/^--kubernetes 1\.30\.1: this checkout builds Kubernetes 1\.34\.4, .*1\.35\.4.*, not v1\.30\.1; use one of .*add harness\/cluster\/releases\/v1\.30\.1\//);
    expect(flagError(['--kubernetes', '1.99'])).toMatch(/none of 1\.99/);
  });

  it('refuses the existing provider, a named kind node image and --upstream-e2e of another release', () => {
    expect(flagError(['--kubernetes', '1.35', '--provider', 'existing'])).toMatch(/^--kubernetes 1\.35: an existing cluster runs the version it runs/);
    expect(flagError(['--kubernetes', '1.35', '--provider', 'kind', '--kind-node-image', 'kindest/node:v1.34.0'])).toMatch(/a named node image runs its own version/);
    expect(flagError(['--kubernetes', '1.34', '--upstream-e2e'])).toMatch(/upstream's e2e.test is built of 1\.35\.4 only/);
    expect(run(['--kubernetes', '1.35', '--upstream-e2e']).config.upstreamE2e).toBe(true);
  });

  it('unset: the default release; with --upstream-e2e, the release e2e.test is built of', () => {
    expect(run([]).config.kubernetes).toBeUndefined();
    expect(resolveRelease(repoRoot(), undefined)).toBe(DEFAULT_RELEASE);
    expect(buildableReleases(repoRoot())).toContain(DEFAULT_RELEASE);
    expect(buildableReleases(repoRoot()).at(-1)).toBe(DEFAULT_RELEASE);
    expect(run(['--upstream-e2e']).config.kubernetes).toBe('1.35.4');
    expect(readConfig({ PROBE_UPSTREAM_E2E: '1' }).kubernetes).toBe('1.35.4');
  });
});

describe('--runtime', () => {
  it('containerd1 by default, containerd2 on the local provider only', () => {
    expect(run([]).config.runtime).toBe('containerd1');
    expect(run(['--runtime', 'containerd2']).config.runtime).toBe('containerd2');
    expect(flagError(['--runtime', 'containerd2', '--provider', 'kind'])).toBe("--runtime containerd2: the kind node image has Debian's containerd 1.6; --runtime is for --provider local");
    expect(run(['--runtime', 'containerd1', '--provider', 'kind']).config.runtime).toBe('containerd1');
  });
});

describe('--feature-gates', () => {
  it('Name=true/false pairs (a bare name is on), for the clusters the run makes', () => {
    expect(run([]).config.featureGates).toEqual({});
    expect(run(['--feature-gates', 'ContainerStopSignals=true, InPlacePodVerticalScaling=false,Foo']).config.featureGates).toEqual({ ContainerStopSignals: true, InPlacePodVerticalScaling: false, Foo: true });
    expect(run(['--feature-gates', 'ContainerStopSignals=true', '--provider', 'kind']).flagEnv).toEqual({ PROBE_PROVIDER: 'kind', PROBE_FEATURE_GATES: 'ContainerStopSignals=true' });
    expect(readConfig({ PROBE_FEATURE_GATES: ' ' }).featureGates).toEqual({});
  });

  it('refuses a malformed gate and the existing provider', () => {
    expect(flagError(['--feature-gates', 'containerStopSignals=true'])).toBe('--feature-gates containerStopSignals=true: use gate names with =true or =false, separated by commas, e.g. ContainerStopSignals=true');
    expect(flagError(['--feature-gates', 'ContainerStopSignals=true', '--provider', 'existing'])).toMatch(/^--feature-gates ContainerStopSignals=true: an existing cluster runs the feature gates it runs/);
  });
});

describe('parseOptions: the suite flags over the variables, the rest for Jest', () => {
  it('flags win over variables and are passed to Jest as the variables', () => {
    const r = run(['--provider=kind', '--nodes', '3', '--keep-cluster'], { PROBE_PROVIDER: 'existing', PROBE_NODES: '2' });
    expect(r.config).toMatchObject({ provider: 'kind', nodes: 3, keepCluster: true });
    expect(r.flagEnv).toEqual({ PROBE_PROVIDER: 'kind', PROBE_NODES: '3', PROBE_KEEP_CLUSTER: '1' });
    expect(r.doctor).toBe(false);
  });

  it("passes Jest's arguments through unchanged and in order, unknown flags included", () => {
    const argv = ['--selectProjects', 'unit', '-t', 'A000-1', '--mutations', 'only', '--testNamePattern=x', '--foo', '-ci', '--', '--provider', 'x'];
    const r = run(argv);
    expect(r.jestArgs).toEqual(['--selectProjects', 'unit', '-t', 'A000-1', '--testNamePattern=x', '--foo', '-ci', '--', '--provider', 'x']);
    expect(r.flagEnv).toEqual({ PROBE_MUTATIONS: 'only' });
  });

  it('--help (or -h) wins; --doctor is noted', () => {
    expect(parseOptions(['--nodes', '0', '--help'], {})).toEqual({ kind: 'help' });
    expect(parseOptions(['-h'], {})).toEqual({ kind: 'help' });
    expect(run(['--doctor', '-t', 'A'])).toMatchObject({ doctor: true, jestArgs: ['-t', 'A'] });
  });

  it('an invalid variable is refused at the command line too, naming the variable', () => {
    expect(flagError([], { PROBE_MUTATIONS: 'some' })).toBe('PROBE_MUTATIONS=some: use one of off, only, also');
    expect(run(['--mutations', 'off'], { PROBE_MUTATIONS: 'some' }).config.mutations).toBe('off');
  });
});
