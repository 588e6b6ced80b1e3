import { homedir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import { AUTO, BUILT_NODE_IMAGE } from '../cluster/kind/kind-options.js';
import { DEFAULT_NODE_IMAGE, KIND_VERSION } from '../cluster/kind/kind-version.js';
import { archiveUri, choice, featureGateList, idList, nodeAccessJson, directory, imageReference, kubernetesVersion, pathList, registryPrefix, text, trimmedText, wholeNumber, yesNo } from './option-values.js';
import { repoRoot } from './repo-root.js';
import { buildableReleases, DEFAULT_RELEASE, resolveRelease } from '../cluster/releases.js';
import { SetupError } from '../common/errors.js';
import { RUNTIMES, type RuntimeName } from '../cluster/local/runtime.js';
import { DEFAULT_CONCURRENCY } from './concurrency.js';

/** Every option of a run: the one table the CLI, readConfig, --help and docs/options.md use. */
export const PROVIDERS = ['local', 'kind', 'existing'] as const;
export type ProviderName = (typeof PROVIDERS)[number];
export const MUTATION_MODES = ['off', 'only', 'also'] as const;
export const IMAGE_BASES = ['official', 'offline'] as const;
export type BaseMode = (typeof IMAGE_BASES)[number];
const IMAGE_BASES_CHOICES = [AUTO, ...IMAGE_BASES] as const;
/** Most nodes a provider creates: kind containers, or local node processes on this machine (2 tested). */
export const MAX_NODES = { kind: 10, local: 4 } as const;

export interface RunOptions {
  provider: ProviderName;
  nodes: number;
  /** The Kubernetes minor or release to build (--kubernetes); unset: the pinned one (harness/cluster/releases.ts). */
  kubernetes: string | undefined;
  /** The local nodes' container runtime (harness/cluster/local/runtime.ts). */
  runtime: RuntimeName;
  /** Kubernetes feature gates set on every component of a cluster the run makes; empty: the release's defaults. */
  featureGates: Record<string, boolean>;
  keepCluster: boolean;
  /** off: scenarios as written; only: just their mutations (each must fail); also: both. */
  mutations: (typeof MUTATION_MODES)[number];
  /** Scenario folders (or their prefixes up to a dash) to run; unset: all. */
  scenarios: string[] | undefined;
  /** The folder whose sub-folders are the scenarios (default: the repository's scenarios/). */
  scenariosDir: string;
  /** How many times each scenario runs (own namespaces, side by side); 1: once. */
  repeat: number;
  /** How many scenario runs share the cluster at once (Jest's maxConcurrency in the scenarios project). */
  concurrency: number;
  /** Also run upstream's own probe and hook e2e cases (e2e.test) on the cluster (local provider only). */
  upstreamE2e: boolean;
  /** auto: chosen for this machine before the preflight (harness/cluster/registry-choice.ts). */
  imageBases: BaseMode | typeof AUTO;
  /** auto, built (the suite's own) or an image reference. */
  kindNodeImage: string;
  context: string | undefined;
  /** Compared exactly, not trimmed. */
  allowContext: string | undefined;
  /** Without a trailing slash. */
  imageRegistry: string | undefined;
  imagesPreloaded: boolean;
  /** How the existing provider reaches the nodes; unset: docker exec for a kind-* context, else none. */
  nodeAccess: z.infer<typeof nodeAccessJson> | undefined;
  kubeconfigFiles: string[];
  /** Without a trailing slash. */
  debianMirror: string | undefined;
  /** Version-keyed build cache (Go binaries, base images), outside the repository. */
  cacheDir: string;
  /** Per-run state: certificates, kubeconfigs, daemon logs, pid files. */
  stateDir: string;
  reportsDir: string;
}

export interface RunConfig extends RunOptions {
  repoRoot: string;
}

/** What a default may depend on. */
export interface DefaultContext {
  provider: ProviderName;
  env: NodeJS.ProcessEnv;
}

export interface Option<T> {
  /** The `npm test` flag; none for options set only by their variable. */
  flag?: `--${string}`;
  env: string;
  /** The value's placeholder in --help; none for a flag without a value (`1` as its variable). */
  value?: string;
  schema: z.ZodType<T, string>;
  /** What to give instead of a refused value, after "<flag> <value>: ". */
  use: string;
  default: (context: DefaultContext) => T;
  /** Markdown: `code` spans lose their backticks in --help. */
  defaultText: string;
  providers: readonly ProviderName[];
  /** One line in --help; further lines are printed under it. */
  help: string;
  /** Markdown for docs/options.md; default: help. */
  doc?: string;
  /** A refusal that depends on the provider (after the schema passed). */
  refuse?: (value: T, provider: ProviderName) => string | undefined;
}

const home = (env: NodeJS.ProcessEnv) => env.HOME || homedir();
/** The releases this checkout builds, the default one marked. */
function releasesText(): string {
  return buildableReleases(repoRoot())
    .map((v) => (v === DEFAULT_RELEASE ? `${v.slice(1)} (default)` : v.slice(1)))
    .join(', ');
}
const NO_CONTROL = 'without control characters';
const YES_NO = 'use 1, true or yes (or 0, false, no)';

export const OPTIONS: { [K in keyof RunOptions]: Option<RunOptions[K]> } = {
  provider: {
    flag: '--provider',
    env: 'PROBE_PROVIDER',
    value: 'local|kind|existing',
    schema: choice(PROVIDERS),
    use: `use one of ${PROVIDERS.join(', ')}`,
    default: () => 'local',
    defaultText: '`local`',
    providers: PROVIDERS,
    help: [
      'where to run',
      'local: a cluster of host processes built here (root, works offline)',
      'kind: a kind cluster created for the run (needs Docker and a registry)',
      'existing: the cluster of KUBECONFIG/--context (needs --allow-context)',
    ].join('\n'),
    doc: 'which cluster: `local` (host processes built here; root; no registry needed), `kind` (a kind cluster created for the run; Docker and a registry; [kind.md](kind.md)), `existing` (your cluster; [existing-cluster.md](existing-cluster.md)).',
  },
  nodes: {
    flag: '--nodes',
    env: 'PROBE_NODES',
    value: 'N',
    schema: wholeNumber(1, MAX_NODES.kind),
    use: `use a whole number from 1 to ${MAX_NODES.kind} (local: 1 to ${MAX_NODES.local})`,
    default: () => 1,
    defaultText: '`1`',
    providers: ['local', 'kind'],
    refuse: (nodes, provider) => (provider === 'local' && nodes > MAX_NODES.local ? `use a whole number from 1 to ${MAX_NODES.local} with the local provider, or --provider kind` : undefined),
    help: `node count (kind: 1 to ${MAX_NODES.kind}, local: 1 to ${MAX_NODES.local})`,
    doc: `kind: node count (1 control plane + N-1 workers, up to ${MAX_NODES.kind}); local: 1 to ${MAX_NODES.local} nodes on this machine (2 tested; [local-cluster.md](local-cluster.md#two-nodes)). Scenarios that need more nodes than the cluster has are reported "not run".`,
  },
  kubernetes: {
    flag: '--kubernetes',
    env: 'PROBE_KUBERNETES',
    value: 'MINOR|VERSION',
    schema: kubernetesVersion,
    use: 'use a Kubernetes minor or release, e.g. 1.36 or 1.36.3',
    default: () => undefined,
    defaultText: `${DEFAULT_RELEASE.slice(1)} (with \`--upstream-e2e\`: the release e2e.test is built of)`,
    providers: ['local', 'kind'],
    refuse: (asked, provider) => {
      if (provider === 'existing') return 'an existing cluster runs the version it runs: leave --kubernetes out (the report says which version it is)';
      try {
        resolveRelease(repoRoot(), asked);
        return undefined;
      } catch (err) {
        return err instanceof SetupError ? `${err.cause_}; ${err.fix}` : String(err);
      }
    },
    help: `the Kubernetes to build and run: a minor (newest release of it) or a release (${releasesText()})`,
    doc: `the Kubernetes release the local provider builds and runs (kind: of the suite's own node image, \`--kind-node-image built\`): a minor such as \`1.36\` (the newest release of it this checkout pins) or a release such as \`1.36.3\`. This checkout builds ${releasesText()}; the default is the newest one green here (\`DEFAULT_RELEASE\` in harness/cluster/releases.ts), and with \`--upstream-e2e\` the release upstream's e2e.test is built of. Each release is built once and cached ([kubernetes-versions.md](kubernetes-versions.md)).`,
  },
  runtime: {
    flag: '--runtime',
    env: 'PROBE_RUNTIME',
    value: RUNTIMES.join('|'),
    schema: choice(RUNTIMES),
    use: `use one of ${RUNTIMES.join(', ')}`,
    default: () => 'containerd1',
    defaultText: '`containerd1`',
    providers: ['local'],
    refuse: (runtime, provider) =>
      runtime !== 'containerd1' && provider !== 'local' ? `${provider === 'kind' ? "the kind node image has Debian's containerd 1.6" : 'an existing cluster runs the runtime it runs'}; --runtime is for --provider local` : undefined,
    help: "the local nodes' runtime: containerd1 (Debian's 1.6) or containerd2 (2.x and runc built here)",
    doc: "the local nodes' container runtime: `containerd1`, Debian's containerd 1.6 and runc (install.sh); `containerd2`, containerd 2.x and runc built from their Go modules (`harness/cluster/local/gobuild/containerd2`, `runc`; cached; runc needs gcc, libc6-dev and libseccomp-dev, which install.sh installs) ([kubernetes-versions.md](kubernetes-versions.md#runtimes)).",
  },
  featureGates: {
    flag: '--feature-gates',
    env: 'PROBE_FEATURE_GATES',
    value: 'Name=true,...',
    schema: featureGateList,
    use: 'use gate names with =true or =false, separated by commas, e.g. ContainerStopSignals=true',
    default: () => ({}),
    defaultText: "the release's defaults",
    providers: ['local', 'kind'],
    refuse: (gates, provider) =>
      provider === 'existing' && Object.keys(gates).length > 0 ? 'an existing cluster runs the feature gates it runs: leave --feature-gates out (scenarios that need a gate it lacks are reported not run)' : undefined,
    help: 'feature gates for the cluster the run makes, e.g. ContainerStopSignals=true',
    doc: "Kubernetes feature gates set on every component of the cluster the run makes (local: each daemon's `--feature-gates` or config file's `featureGates`; kind: the Cluster config's `featureGates`), e.g. `ContainerStopSignals=true` for the scenarios whose `needs.featureGates` an alpha gate is. Local: a gate the built release does not list (`kube-apiserver --help`) is refused before any daemon starts; kind: not checked before the cluster is created (its API server refuses an unknown gate at start: `unrecognized feature gate`).",
  },
  keepCluster: {
    flag: '--keep-cluster',
    env: 'PROBE_KEEP_CLUSTER',
    schema: yesNo,
    use: YES_NO,
    default: () => false,
    defaultText: 'no',
    providers: PROVIDERS,
    help: 'leave the cluster running afterwards',
    doc: 'leave the cluster (and a Docker engine the run started) running after the run and on Ctrl-C; the kubeconfig path is printed. Without it, the run stops the cluster, and stops dockerd if it started it. (`existing`: nothing to keep; the cluster is never touched.)',
  },
  repeat: {
    flag: '--repeat',
    env: 'PROBE_REPEAT',
    value: 'N',
    schema: wholeNumber(1, 50),
    use: 'use a whole number from 1 to 50',
    default: () => 1,
    defaultText: '`1`',
    providers: PROVIDERS,
    help: 'run each scenario N times, and report passes and timing spread (reports/repeat.md)',
    doc: 'run each selected scenario N times (each run in its own namespace, `--concurrency` at once; round by round, so the copies of a scenario do not run side by side) and write `reports/repeat.{md,json}`: per scenario the passes out of N, and per timed step the measured moments (min, median, max) against its window, flagged "at risk" when one comes within 10 % of the window\'s width of an edge. Mutations still run once. The claims report shows the first run of each.',
  },
  concurrency: {
    flag: '--concurrency',
    env: 'PROBE_CONCURRENCY',
    value: 'N',
    schema: wholeNumber(1, 64),
    use: 'use a whole number from 1 to 64',
    default: () => DEFAULT_CONCURRENCY,
    defaultText: `\`${DEFAULT_CONCURRENCY}\``,
    providers: PROVIDERS,
    help: 'how many scenario runs share the cluster at once',
    doc: `how many scenario runs (and mutation runs) share the cluster at once, each in its own namespace; longest expected first. ${DEFAULT_CONCURRENCY} keeps a 2-CPU machine's kubelet on time; raise it on a bigger machine, or for \`--repeat\`. A scenario that stops a node or restarts a component still runs alone.`,
  },
  mutations: {
    flag: '--mutations',
    env: 'PROBE_MUTATIONS',
    value: 'off|only|also',
    schema: choice(MUTATION_MODES),
    use: `use one of ${MUTATION_MODES.join(', ')}`,
    default: () => 'off',
    defaultText: '`off`',
    providers: PROVIDERS,
    help: "run the scenarios' broken variants",
    doc: "`only`: run each scenario's `mutations` (broken variants) instead of the scenarios, each expected to fail; `also`: both. `npm run test:mutations` sets `only`.",
  },
  scenarios: {
    flag: '--scenarios',
    env: 'PROBE_SCENARIOS',
    value: 'ID,...',
    schema: idList,
    use: 'use scenario folder names or their starts, comma-separated, e.g. A001-8,A003-7',
    default: () => undefined,
    defaultText: 'all',
    providers: PROVIDERS,
    help: 'run only these scenarios, e.g. A001-8,A003-7 (the others are not tests)',
    doc: 'run only these scenario folders: a name is a folder name or its start up to a dash (`A001-9` is the four `A001-9-*` folders). The others are not registered at all (neither skipped nor in the claims report); a name that selects no folder stops the run before Jest starts. `-t` (Jest) still works, but reports the tests it filters out as skipped.',
  },
  scenariosDir: {
    flag: '--scenarios-dir',
    env: 'PROBE_SCENARIOS_DIR',
    value: 'DIR',
    schema: directory,
    use: `use a directory ${NO_CONTROL}`,
    default: () => join(repoRoot(), 'scenarios'),
    defaultText: '`scenarios`',
    providers: PROVIDERS,
    help: 'run the scenario folders of another directory',
    doc: "run the scenario folders of another directory instead of the repository's `scenarios/` (your own, kept outside the repository; the fault tests' fixtures). Relative paths are taken from the current directory.",
  },
  upstreamE2e: {
    flag: '--upstream-e2e',
    env: 'PROBE_UPSTREAM_E2E',
    schema: yesNo,
    use: YES_NO,
    default: () => false,
    defaultText: 'no',
    providers: ['local', 'kind'],
    refuse: (on, provider) =>
      on && provider === 'existing'
        ? "upstream's e2e cases run only on a cluster the suite brings up (--provider local or kind): it builds e2e.test of that cluster's version and loads the images e2e.test asks for"
        : undefined,
    help: "also run upstream's own probe and hook e2e cases (e2e.test) on the cluster",
    doc: "also build upstream's e2e test binary `e2e.test` and its test images from the Kubernetes version the local provider builds (offline), and run upstream's probe and lifecycle-hook e2e cases on the run's cluster after the scenarios; upstream's verdicts go to `reports/upstream-e2e/summary.json` and beside the scenarios in `reports/claims.md`. Providers `local` and `kind` (not `existing`). `npm run upstream-e2e` sets it; [upstream-e2e.md](upstream-e2e.md).",
  },
  imageBases: {
    flag: '--image-bases',
    env: 'PROBE_IMAGE_BASES',
    value: 'auto|offline|official',
    schema: choice(IMAGE_BASES_CHOICES),
    use: `use one of ${IMAGE_BASES_CHOICES.join(', ')}`,
    default: () => AUTO,
    defaultText: '`auto`',
    providers: PROVIDERS,
    help: "demo images' base images (auto: offline with local or without Docker Hub)",
    doc: 'base images of the demo images: `official` (node, nginx, busybox from Docker Hub) or `offline` (built from Debian with debootstrap). `auto`: `offline` with `local`; with `kind` and `existing`, `official` when Docker Hub answers, else `offline` (the run says which; [kind-node-image.md](kind-node-image.md#which-node-image)).',
  },
  kindNodeImage: {
    flag: '--kind-node-image',
    env: 'PROBE_KIND_NODE_IMAGE',
    value: 'auto|built|IMAGE',
    schema: imageReference,
    use: `use ${AUTO}, ${BUILT_NODE_IMAGE} or an image reference without spaces, e.g. kindest/node:v1.34.0`,
    default: () => AUTO,
    defaultText: '`auto`',
    providers: ['kind'],
    help: `node image: auto, built (the suite's own, offline) or e.g. kindest/node:v1.34.0`,
    doc: `\`auto\`: kind ${KIND_VERSION}'s default (\`${DEFAULT_NODE_IMAGE.split('@')[0]}\`) when Docker Hub answers, else \`built\`; \`built\`: the suite's own node image, built offline from its Kubernetes build and cached ([kind-node-image.md](kind-node-image.md)); or a node image, e.g. \`kindest/node:v1.34.0\` (pulled by kind unless Docker has it).`,
  },
  context: {
    flag: '--context',
    env: 'PROBE_CONTEXT',
    value: 'NAME',
    schema: trimmedText,
    use: `use a context name ${NO_CONTROL}`,
    default: () => undefined,
    defaultText: 'current context',
    providers: ['existing'],
    help: 'the kubeconfig context to use',
    doc: 'the kubeconfig context (`KUBECONFIG` as usual).',
  },
  allowContext: {
    flag: '--allow-context',
    env: 'PROBE_ALLOW_CONTEXT',
    value: 'NAME',
    schema: text,
    use: `use the context name ${NO_CONTROL}`,
    default: () => undefined,
    defaultText: 'unset',
    providers: ['existing'],
    help: 'opt in to run on that context',
    doc: 'must equal the context name, or the run refuses to start.',
  },
  imageRegistry: {
    flag: '--image-registry',
    env: 'PROBE_IMAGE_REGISTRY',
    value: 'HOST[/PATH]',
    schema: registryPrefix,
    use: 'use host[:port][/path] without a scheme, e.g. localhost:5000 or ghcr.io/me',
    default: () => undefined,
    defaultText: 'unset',
    providers: ['existing'],
    help: 'push the demo images there',
    doc: 'push the demo images there (else `kind load` for `kind-*` contexts).',
  },
  imagesPreloaded: {
    env: 'PROBE_IMAGES_PRELOADED',
    schema: yesNo,
    use: YES_NO,
    default: () => false,
    defaultText: 'no',
    providers: ['existing'],
    help: 'the nodes already have the demo images',
    doc: 'the nodes already have the demo images (`1`); not together with an image registry.',
  },
  nodeAccess: {
    env: 'PROBE_NODE_ACCESS',
    value: 'JSON',
    schema: nodeAccessJson,
    use: 'use {"kind":"local"} (this machine is the only node), {"kind":"docker"} (nodes are containers) or {"kind":"none","reason":"..."}',
    default: () => undefined,
    defaultText: 'docker for `kind-*` contexts, else none',
    providers: ['existing'],
    help: 'how to read files on the nodes',
    doc: 'how node files are read: `{"kind":"local"}` when this machine is the only node, `{"kind":"docker"}` for nodes that are containers; nodes of an existing cluster are never stopped.',
  },
  kubeconfigFiles: {
    env: 'KUBECONFIG',
    value: 'FILE[:FILE]',
    schema: pathList,
    use: `use kubeconfig paths separated by : ${NO_CONTROL}`,
    default: ({ env }) => [join(home(env), '.kube', 'config')],
    defaultText: '`~/.kube/config`',
    providers: ['existing'],
    help: 'the kubeconfig file(s), merged as kubectl does',
    doc: 'the kubeconfig file(s), `:`-separated, merged as kubectl does.',
  },
  debianMirror: {
    env: 'PROBE_DEBIAN_MIRROR',
    value: 'URI',
    schema: archiveUri,
    use: 'use the http(s):// or file:// URI of a Debian archive, e.g. http://deb.debian.org/debian',
    default: () => undefined,
    defaultText: "the Debian archive in this machine's apt sources",
    providers: PROVIDERS,
    help: 'offline image bases: the Debian mirror debootstrap installs from',
    doc: 'offline image bases: the Debian mirror debootstrap (and apt in the image) installs from; a machine whose apt sources name no Debian archive must set it ([images.md](images.md#offline-bases-harnessimagesoffline-basests)).',
  },
  cacheDir: {
    env: 'PROBE_CACHE_DIR',
    value: 'DIR',
    schema: directory,
    use: `use a directory ${NO_CONTROL}`,
    default: ({ env }) => join(env.XDG_CACHE_HOME || join(home(env), '.cache'), 'probe-conformance'),
    defaultText: '`~/.cache/probe-conformance`',
    providers: PROVIDERS,
    help: 'version-keyed build cache',
    doc: 'version-keyed build cache: Kubernetes and etcd binaries, kind, actionlint, offline base images.',
  },
  stateDir: {
    env: 'PROBE_STATE_DIR',
    value: 'DIR',
    schema: directory,
    use: `use a directory ${NO_CONTROL}`,
    default: () => '/var/lib/probe-conformance',
    defaultText: '`/var/lib/probe-conformance`',
    providers: PROVIDERS,
    help: "the local cluster's state, and the pid file of a dockerd the run started",
    doc: "the local cluster's certificates, configs, logs and pid files, and the pid file of a dockerd the run started.",
  },
  reportsDir: {
    env: 'PROBE_REPORTS_DIR',
    value: 'DIR',
    schema: directory,
    use: `use a directory ${NO_CONTROL}`,
    default: () => join(repoRoot(), 'reports'),
    defaultText: '`reports`',
    providers: PROVIDERS,
    help: 'where results and evidence are written',
    doc: 'where results and evidence are written (relative paths are taken from the current directory).',
  },
};

export type OptionKey = keyof RunOptions;
export const OPTION_KEYS = Object.keys(OPTIONS) as OptionKey[];
