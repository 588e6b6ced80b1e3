import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SetupError } from '../../common/errors.js';
import { OPTIONS } from '../../run/options.js';

/**
 * The Debian mirror the offline base images are made from (debootstrap, and apt in the image
 * builds, which uses the sources.list debootstrap writes): $PROBE_DEBIAN_MIRROR when set, else the
 * Debian archive this machine's apt already uses, read from <aptDir>/sources.list and
 * <aptDir>/sources.list.d/*.list (one-line format) and *.sources (deb822 format). No mirror is
 * built in: a machine without a Debian archive in its apt sources must name one.
 *
 * The entry taken is a `deb` entry (enabled) with component `main` and a Debian release suite
 * (bookworm, trixie, stable, sid, ...; not -security, -updates, -backports), over http or https
 * (a `mirror+file:` list is resolved to its first mirror). Entries for the recipe's suite come
 * first, then entries without a key of their own (Debian's archive key or no Signed-By; third-party
 * repositories bring their own), then URIs ending in /debian; ties go to apt's file order.
 */
export const DEBIAN_MIRROR_ENV = OPTIONS.debianMirror.env;

export interface AptSourceEntry {
  /** The file it came from. */
  file: string;
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
  enabled: boolean;
  signedBy?: string;
}

export interface DebianMirror {
  /** The archive's URI, without a trailing slash, e.g. http://<host>/debian. */
  uri: string;
  /** Where it came from: PROBE_DEBIAN_MIRROR or the apt sources file (and mirror list) it was read from. */
  from: string;
}

/** Debian release codenames and suite aliases (a full archive debootstrap can install from). */
const DEBIAN_SUITES = new Set([
  'hamm', 'slink', 'potato', 'woody', 'sarge', 'etch', 'lenny', 'squeeze', 'wheezy', 'jessie', 'stretch',
  'buster', 'bullseye', 'bookworm', 'trixie', 'forky', 'duke', 'sid',
  'oldoldstable', 'oldstable', 'stable', 'testing', 'unstable',
]);

/** Parses the one-line format: `deb [opt=value ...] uri suite [component ...]`. */
export function parseOneLineSources(text: string, file: string): AptSourceEntry[] {
  const entries: AptSourceEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const tokens = line.split(/\s+/);
    const type = tokens.shift()!;
    const options: Record<string, string> = {};
    if (tokens[0]?.startsWith('[')) {
      const parts: string[] = [];
      while (tokens.length > 0) {
        const t = tokens.shift()!;
        parts.push(t);
        if (t.endsWith(']')) break;
      }
      for (const opt of parts.join(' ').replace(/^\[|\]$/g, '').trim().split(/\s+/)) {
        const eq = opt.indexOf('=');
        if (eq > 0) options[opt.slice(0, eq).toLowerCase()] = opt.slice(eq + 1);
      }
    }
    const [uri, suite, ...components] = tokens;
    if (!uri || !suite) continue;
    entries.push({
      file,
      types: [type],
      uris: [uri],
      suites: [suite],
      components,
      enabled: !/^(no|false|0)$/i.test(options.enabled ?? 'yes'),
      ...(options['signed-by'] ? { signedBy: options['signed-by'] } : {}),
    });
  }
  return entries;
}

/** Parses the deb822 format: stanzas of `Field: value` separated by blank lines; # comments. */
export function parseDeb822Sources(text: string, file: string): AptSourceEntry[] {
  const stanzas: Array<Record<string, string>> = [];
  let current: Record<string, string> | undefined;
  let lastKey: string | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    if (line.trim() === '') {
      current = undefined;
      lastKey = undefined;
      continue;
    }
    if (/^\s/.test(line)) {
      // A continuation line (e.g. an inline Signed-By key block).
      if (current && lastKey) current[lastKey] += `\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    if (!current) {
      current = {};
      stanzas.push(current);
    }
    lastKey = line.slice(0, colon).trim().toLowerCase();
    current[lastKey] = line.slice(colon + 1).trim();
  }
  const words = (v: string | undefined) => (v ?? '').split(/\s+/).filter(Boolean);
  return stanzas
    .filter((s) => s.types !== undefined || s.uris !== undefined)
    .map((s) => ({
      file,
      types: words(s.types),
      uris: words(s.uris),
      suites: words(s.suites),
      components: words(s.components),
      enabled: !/^(no|false|0)$/i.test((s.enabled ?? 'yes').trim()),
      ...(s['signed-by'] ? { signedBy: s['signed-by'] } : {}),
    }));
}

export interface AptSources {
  entries: AptSourceEntry[];
  /** The files read, in apt's order. */
  files: string[];
}

/** Reads <aptDir>/sources.list and <aptDir>/sources.list.d/{*.list,*.sources} in apt's order. */
export function readAptSources(aptDir = '/etc/apt'): AptSources {
  const files: string[] = [];
  const main = join(aptDir, 'sources.list');
  if (existsSync(main)) files.push(main);
  const partsDir = join(aptDir, 'sources.list.d');
  let parts: string[] = [];
  try {
    parts = readdirSync(partsDir).sort();
  } catch {
    /* no sources.list.d */
  }
  // apt reads only these names (others, e.g. *.list.save or *.disabled, are ignored).
  for (const name of parts) if (/^[A-Za-z0-9_.-]+\.(list|sources)$/.test(name)) files.push(join(partsDir, name));
  const entries: AptSourceEntry[] = [];
  const read: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // unreadable or a directory: apt would complain, we just skip it
    }
    read.push(file);
    entries.push(...(file.endsWith('.sources') ? parseDeb822Sources(text, file) : parseOneLineSources(text, file)));
  }
  return { entries, files: read };
}

/** The first http(s) mirror of an apt mirror list (`mirror+file:` sources): one URI per line, metadata after a tab. */
function firstListedMirror(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const uri = line.replace(/#.*$/, '').trim().split(/\s+/)[0];
    if (uri && /^https?:\/\//i.test(uri)) return uri;
  }
  return undefined;
}

interface Candidate {
  uri: string;
  from: string;
  score: number;
  order: number;
}

function whyNot(entry: AptSourceEntry, suite: string): string | undefined {
  if (!entry.enabled) return 'disabled';
  if (!entry.types.includes('deb')) return `type ${entry.types.join(' ') || '(none)'}, not deb`;
  if (!entry.components.includes('main')) return `components ${entry.components.join(' ') || '(none)'}, no main`;
  if (!entry.suites.some((s) => s === suite || DEBIAN_SUITES.has(s))) return `suites ${entry.suites.join(' ') || '(none)'}: no Debian release`;
  return undefined;
}

/**
 * The Debian archive among apt source entries, or why none is: `rejected` lists each entry that
 * was skipped and why (for the error message).
 */
export function pickDebianMirror(entries: AptSourceEntry[], suite: string): { mirror?: DebianMirror; rejected: string[] } {
  const candidates: Candidate[] = [];
  const rejected: string[] = [];
  entries.forEach((entry, order) => {
    const label = `${entry.uris.join(' ') || '(no URI)'} ${entry.suites.join(' ')} (${entry.file})`;
    const reason = whyNot(entry, suite);
    if (reason) {
      rejected.push(`${label}: ${reason}`);
      return;
    }
    for (const raw of entry.uris) {
      let uri: string | undefined = raw;
      let from = entry.file;
      const mirrorFile = /^mirror\+file:(?:\/\/)?(\/.*)$/i.exec(raw);
      if (mirrorFile) {
        uri = firstListedMirror(mirrorFile[1]!);
        from = `${entry.file} via ${mirrorFile[1]}`;
        if (!uri) {
          rejected.push(`${label}: no http(s) mirror in ${mirrorFile[1]}`);
          continue;
        }
      }
      if (!/^https?:\/\/[^/]/i.test(uri)) {
        rejected.push(`${label}: ${raw} is not an http(s) URI (debootstrap and apt in a container need one)`);
        continue;
      }
      uri = uri.replace(/\/+$/, '');
      let score = 0;
      if (entry.suites.includes(suite)) score += 4;
      if (!entry.signedBy || /debian-archive-keyring/.test(entry.signedBy)) score += 2;
      if (/\/debian$/i.test(uri)) score += 1;
      candidates.push({ uri, from, score, order });
    }
  });
  candidates.sort((a, b) => b.score - a.score || a.order - b.order);
  const best = candidates[0];
  return { mirror: best ? { uri: best.uri, from: best.from } : undefined, rejected };
}

export interface DebianMirrorOptions {
  /** The suite the recipe installs (entries for it are preferred), e.g. bookworm. */
  suite: string;
  /** RunConfig.debianMirror: taken as it is when set. */
  mirror?: string | undefined;
  /** Where apt's sources are; default /etc/apt (tests pass a folder of their own). */
  aptDir?: string;
}

/** $PROBE_DEBIAN_MIRROR, else the machine's Debian archive; a SetupError naming the files read when there is none. */
export function debianMirror(options: DebianMirrorOptions): DebianMirror {
  if (options.mirror) return { uri: options.mirror, from: DEBIAN_MIRROR_ENV };
  const aptDir = options.aptDir ?? '/etc/apt';
  const sources = readAptSources(aptDir);
  const { mirror, rejected } = pickDebianMirror(sources.entries, options.suite);
  if (mirror) return mirror;
  const read = sources.files.length > 0 ? `read ${sources.files.join(', ')}` : `no ${join(aptDir, 'sources.list')} nor ${join(aptDir, 'sources.list.d')}/*.list|*.sources`;
  const skipped = rejected.length > 0 ? `; skipped: ${rejected.slice(0, 6).join('; ')}${rejected.length > 6 ? `; and ${rejected.length - 6} more` : ''}` : '';
  throw new SetupError(
    `no Debian archive (a "deb <uri> ${options.suite} main" entry) in this machine's apt sources to build the offline base images from (${read}${skipped})`,
    `set ${DEBIAN_MIRROR_ENV}=<your mirror> (the URI of a Debian archive that serves ${options.suite}), or PROBE_IMAGE_BASES=official to build from the Docker Hub images`,
  );
}
