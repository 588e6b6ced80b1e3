import { afterEach, describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SetupError } from '../../harness/common/errors.js';
import { readConfig } from '../../harness/run/config.js';
import { debianMirror, parseDeb822Sources, parseOneLineSources, readAptSources } from '../../harness/cluster/images/debian-mirror.js';

// A copy of /etc/apt/sources.list.d/debian.sources of the machine this was written on (deb822,
// comments inside the stanzas, the security archive in a stanza of its own).
const MACHINE_SOURCES = fileURLToPath(new URL('./fixtures/apt/machine-debian.sources', import.meta.url));

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** An apt folder: `sources.list` at its top, anything else under sources.list.d/. */
function aptDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'apt-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'sources.list.d'));
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(name === 'sources.list' ? join(dir, name) : join(dir, 'sources.list.d', name), text);
  }
  return dir;
}

describe('the Debian mirror from the apt sources', () => {
  it("finds the machine's deb822 debian.sources archive, not its security archive", () => {
    const dir = aptDir({});
    copyFileSync(MACHINE_SOURCES, join(dir, 'sources.list.d', 'debian.sources'));
    const mirror = debianMirror({ suite: 'bookworm', aptDir: dir });
    expect(mirror.from).toBe(join(dir, 'sources.list.d', 'debian.sources'));
    expect(mirror.uri).toMatch(/^https?:\/\/[^/]+\/debian$/);
    expect(mirror.uri).not.toMatch(/security/);
  });

  it('skips a disabled stanza, deb-src, inline keys and the -updates/-security suites (deb822)', () => {
    const text = [
      '# local mirror, off for now',
      'Types: deb',
      'URIs: http://local-mirror.example.net/debian',
      'Suites: bookworm',
      'Components: main',
      'Enabled: no',
      '',
      'Types: deb deb-src',
      'URIs: http://ftp.example.org/debian/',
      'Suites: bookworm bookworm-updates',
      'Components: main contrib non-free-firmware',
      'Signed-By:',
      ' -----BEGIN PGP PUBLIC KEY BLOCK-----',
      ' .',
      ' mQINBGPL0BUBEADmW5NdOOHwPIJlgPu6JDcKw/NZJPR8lsD3K87ZM18gzyQZJD+w',
      ' -----END PGP PUBLIC KEY BLOCK-----',
      '',
      'Types: deb',
      'URIs: http://security.example.org/debian-security',
      'Suites: bookworm-security',
      'Components: main',
      '',
    ].join('\n');
    const entries = parseDeb822Sources(text, 'debian.sources');
    expect(entries).toHaveLength(3);
    expect(entries[0]).toMatchObject({ enabled: false, uris: ['http://local-mirror.example.net/debian'] });
    expect(entries[1]).toMatchObject({ enabled: true, types: ['deb', 'deb-src'], suites: ['bookworm', 'bookworm-updates'], components: ['main', 'contrib', 'non-free-firmware'] });
    expect(entries[1]!.signedBy).toContain('BEGIN PGP PUBLIC KEY BLOCK');
    const mirror = debianMirror({ suite: 'bookworm', aptDir: aptDir({ 'debian.sources': text }) });
    expect(mirror.uri).toBe('http://ftp.example.org/debian');
  });

  it('reads sources.list lines with [options], comments and deb-src', () => {
    const text = [
      '# deb http://old.example.org/debian bookworm main',
      'deb-src http://src.example.org/debian bookworm main',
      'deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://security.example.org/debian-security bookworm-security main',
      'deb [ signed-by=/usr/share/keyrings/debian-archive-keyring.gpg ] https://mirror.example.org/debian/ bookworm main non-free-firmware # the main one',
      'deb http://mirror.example.org/debian bookworm-backports main',
      '',
    ].join('\n');
    const entries = parseOneLineSources(text, 'sources.list');
    expect(entries.map((e) => `${e.types[0]} ${e.uris[0]} ${e.suites[0]}`)).toEqual([
      'deb-src http://src.example.org/debian bookworm',
      'deb http://security.example.org/debian-security bookworm-security',
      'deb https://mirror.example.org/debian/ bookworm',
      'deb http://mirror.example.org/debian bookworm-backports',
    ]);
    expect(entries[2]).toMatchObject({ signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg', components: ['main', 'non-free-firmware'] });
    const dir = aptDir({ 'sources.list': text });
    expect(debianMirror({ suite: 'bookworm', aptDir: dir })).toEqual({ uri: 'https://mirror.example.org/debian', from: join(dir, 'sources.list') });
  });

  it("prefers the recipe's suite and Debian's own key over a third-party repo listing a Debian codename", () => {
    const dir = aptDir({
      'sources.list': 'deb http://testing.example.org/debian trixie main\n',
      'a-php.list': 'deb [signed-by=/usr/share/keyrings/php.gpg] https://php.example.com/php/ bookworm main\n',
      'docker.list': 'deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.asc] https://download.example.com/linux/debian bookworm stable\n',
      'debian.sources': 'Types: deb\nURIs: http://ftp.example.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n',
    });
    expect(debianMirror({ suite: 'bookworm', aptDir: dir })).toEqual({ uri: 'http://ftp.example.org/debian', from: join(dir, 'sources.list.d', 'debian.sources') });
    // Without a bookworm entry, another Debian release's archive serves as well.
    const other = aptDir({ 'sources.list': 'deb http://testing.example.org/debian trixie main\n' });
    expect(debianMirror({ suite: 'bookworm', aptDir: other }).uri).toBe('http://testing.example.org/debian');
  });

  it('resolves a mirror+file: source to its first mirror (Debian cloud images)', () => {
    const dir = aptDir({});
    const list = join(dir, 'mirrors-debian.list');
    writeFileSync(list, '# mirrors\nhttps://cloud-mirror.example.org/debian\tpriority:1\nhttp://fallback.example.org/debian\n');
    writeFileSync(join(dir, 'sources.list.d', 'debian.sources'), `Types: deb\nURIs: mirror+file://${list}\nSuites: bookworm bookworm-updates\nComponents: main\n`);
    expect(debianMirror({ suite: 'bookworm', aptDir: dir })).toEqual({
      uri: 'https://cloud-mirror.example.org/debian',
      from: `${join(dir, 'sources.list.d', 'debian.sources')} via ${list}`,
    });
  });

  it('reads only *.list and *.sources under sources.list.d, in order', () => {
    const dir = aptDir({
      'b.list': 'deb http://b.example.org/debian bookworm main\n',
      'a.sources': 'Types: deb\nURIs: http://a.example.org/debian\nSuites: bookworm\nComponents: main\n',
      'c.list.disabled': 'deb http://c.example.org/debian bookworm main\n',
      'd.list.save': 'deb http://d.example.org/debian bookworm main\n',
    });
    expect(readAptSources(dir).files).toEqual([join(dir, 'sources.list.d', 'a.sources'), join(dir, 'sources.list.d', 'b.list')]);
    expect(debianMirror({ suite: 'bookworm', aptDir: dir }).uri).toBe('http://a.example.org/debian');
  });

  it('fails with the files read and the fix on a machine with only third-party sources', () => {
    const dir = aptDir({
      'nodesource.sources': 'Types: deb\nURIs: https://deb.nodesource.example/node_20.x\nSuites: nodistro\nComponents: main\nSigned-By: /usr/share/keyrings/nodesource.gpg\n',
      'google-cloud-sdk.list': 'deb [signed-by=/usr/share/keyrings/cloud.google.gpg] https://packages.cloud.example.com/apt cloud-sdk main\n',
      'docker.list': 'deb [signed-by=/etc/apt/keyrings/docker.asc] https://download.example.com/linux/debian bookworm stable\n',
    });
    let error: unknown;
    try {
      debianMirror({ suite: 'bookworm', aptDir: dir });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SetupError);
    const e = error as SetupError;
    for (const f of ['docker.list', 'google-cloud-sdk.list', 'nodesource.sources']) expect(e.cause_).toContain(join(dir, 'sources.list.d', f));
    expect(e.cause_).toContain('nodistro: no Debian release');
    expect(e.cause_).toContain('stable, no main');
    expect(e.fix).toContain('PROBE_DEBIAN_MIRROR=<your mirror>');
  });

  it('fails on a machine without apt sources (or an Ubuntu one), naming what it looked for', () => {
    const empty = mkdtempSync(join(tmpdir(), 'apt-'));
    dirs.push(empty);
    expect(() => debianMirror({ suite: 'bookworm', aptDir: empty })).toThrow(/no .*sources\.list nor .*sources\.list\.d\/\*\.list\|\*\.sources[\s\S]*PROBE_DEBIAN_MIRROR=<your mirror>/);
    const ubuntu = aptDir({ 'sources.list': 'deb http://archive.example.com/ubuntu jammy main restricted\ndeb http://archive.example.com/ubuntu jammy-updates main restricted\n' });
    expect(() => debianMirror({ suite: 'bookworm', aptDir: ubuntu })).toThrow(SetupError);
  });

  it('PROBE_DEBIAN_MIRROR (RunConfig.debianMirror) wins over the apt sources', () => {
    const dir = aptDir({ 'sources.list': 'deb http://ftp.example.org/debian bookworm main\n' });
    const mirror = readConfig({ PROBE_DEBIAN_MIRROR: 'http://cache.example.lan:3142/debian/' }).debianMirror;
    expect(debianMirror({ suite: 'bookworm', mirror, aptDir: dir })).toEqual({ uri: 'http://cache.example.lan:3142/debian', from: 'PROBE_DEBIAN_MIRROR' });
    // Set but empty counts as unset.
    expect(debianMirror({ suite: 'bookworm', mirror: readConfig({ PROBE_DEBIAN_MIRROR: ' ' }).debianMirror, aptDir: dir }).uri).toBe('http://ftp.example.org/debian');
    // Even when the machine has no Debian sources at all.
    expect(debianMirror({ suite: 'bookworm', mirror: 'http://cache.example.lan/debian', aptDir: '/nonexistent' }).from).toBe('PROBE_DEBIAN_MIRROR');
  });
});
