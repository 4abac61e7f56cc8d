// Debian packages of a foreign arch, fetched with apt into a private state directory.
// The host's own apt configuration is left alone: adding foreign arches there makes every
// later `apt-get update` on the host fetch their indices too, and ppc64el's security index
// has failed with a size mismatch (DESIGN.md §8). Here only the main suite is used.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../src/log.js';

export const SUITE = 'bookworm';
const MIRROR = process.env['CRIU_TS_DEBIAN_MIRROR'] ?? 'http://deb.debian.org/debian';
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

function run(cmd: string, args: string[], cwd?: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    const detail = (err.stderr ?? '').trim().split('\n').filter(Boolean).pop() ?? err.message;
    // Name the command itself, without flock's wrapper and apt's -o settings.
    const [what, ...rest] = cmd === 'flock' ? args.slice(3) : [cmd, ...args];
    const shown = rest.filter((a, i) => a !== '-o' && rest[i - 1] !== '-o').slice(0, 4);
    throw new Error(`${what} ${shown.join(' ')}: ${detail}`);
  }
}

const HOST_APT_LOCK = '/tmp/criu-ts-host-apt.lock';

/** Installs the missing host packages (with `apt-get update` first when something is missing). */
export function ensureHostPackages(pkgs: string[], log: Logger): void {
  const missing = pkgs.filter((p) => {
    try {
      return !run('dpkg-query', ['-W', '-f=${Status}', p]).includes('install ok installed');
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return;
  log.info(`installing on the host: ${missing.join(' ')}`);
  // Builds of several arches start at once: flock queues them, as apt-get update does not wait.
  const aptGet = (...args: string[]) => run('flock', ['-w', '900', HOST_APT_LOCK, 'apt-get', '-o', 'DPkg::Lock::Timeout=600', '-q', ...args]);
  aptGet('update');
  aptGet('-y', '--no-install-recommends', 'install', ...missing);
}

export interface Package {
  name: string;
  version: string;
  /** Local file name, e.g. "nodejs_18.19.0+dfsg-6~deb12u2_arm64.deb". */
  file: string;
  size: number;
}

/** Packages from `apt-cache show` output (blank-line separated stanzas). */
export function parsePackageStanzas(text: string): Package[] {
  return text.split(/\n\n+/).filter((s) => s.trim()).map((stanza) => {
    const field = (k: string) => new RegExp(`^${k}: (.*)$`, 'm').exec(stanza)?.[1] ?? '';
    const [name, version] = [field('Package'), field('Version')];
    // The name `apt-get download` gives the file (an epoch's ':' is escaped).
    const file = `${name}_${version.replace(/:/g, '%3a')}_${field('Architecture')}.deb`;
    return { name, version, file, size: Number(field('Size')) };
  });
}

/** apt and apt-cache bound to one arch and one state directory. */
export class ForeignApt {
  private readonly opts: string[];

  constructor(readonly debianArch: string, readonly dir: string) {
    const o = (k: string, v: string) => ['-o', `${k}=${v}`];
    this.opts = [
      ...o('Dir::Etc::SourceList', path.join(dir, 'sources.list')),
      ...o('Dir::Etc::SourceParts', path.join(dir, 'sources.list.d')),
      ...o('Dir::State', path.join(dir, 'state')),
      ...o('Dir::State::status', path.join(dir, 'state', 'status')),
      ...o('Dir::Cache', path.join(dir, 'cache')),
      ...o('APT::Architecture', debianArch),
      ...o('APT::Architectures::', debianArch),
      ...o('APT::Sandbox::User', 'root'),
      ...o('Acquire::Languages', 'none'),
    ];
  }

  /** Fetches the package index of the main suite (skipped when fresh unless forced). */
  update(force: boolean): void {
    for (const d of ['sources.list.d', 'state/lists/partial', 'cache/archives/partial']) {
      fs.mkdirSync(path.join(this.dir, d), { recursive: true });
    }
    fs.writeFileSync(path.join(this.dir, 'sources.list'), `deb [signed-by=${KEYRING}] ${MIRROR} ${SUITE} main\n`);
    const status = path.join(this.dir, 'state', 'status');
    if (!fs.existsSync(status)) fs.writeFileSync(status, '');
    const lists = path.join(this.dir, 'state', 'lists');
    const fresh = fs.readdirSync(lists).some((f) => f.endsWith('_Packages'));
    if (fresh && !force) return;
    run('apt-get', [...this.opts, '-q', 'update']);
  }

  /** The names of `roots` and everything they depend on (Depends only), real packages only. */
  closure(roots: string[]): string[] {
    const out = run('apt-cache', [
      ...this.opts, 'depends', '--recurse', '--no-recommends', '--no-suggests', '--no-conflicts',
      '--no-breaks', '--no-replaces', '--no-enhances', '--no-pre-depends', ...roots,
    ]);
    const names = out.split('\n').filter((l) => l && !l.startsWith(' ') && !l.startsWith('<'));
    return [...new Set(names)].sort();
  }

  /** The first dependency of a metapackage matching `re` (e.g. the versioned kernel). */
  dependencyOf(pkg: string, re: RegExp): string {
    const out = run('apt-cache', [...this.opts, 'depends', pkg]);
    const m = out.split('\n').map((l) => /^\s+Depends: (\S+)/.exec(l)?.[1]).find((n) => n && re.test(n));
    if (!m) throw new Error(`${pkg} (${this.debianArch}) has no dependency matching ${re}`);
    return m;
  }

  /** Candidate version and local file name of each package. */
  describe(names: string[]): Package[] {
    return parsePackageStanzas(run('apt-cache', [...this.opts, 'show', '--no-all-versions', ...names]));
  }

  /** Downloads the packages not already in `dest` with the right size. */
  download(pkgs: Package[], dest: string): void {
    fs.mkdirSync(dest, { recursive: true });
    const need = pkgs.filter((p) => {
      const f = path.join(dest, p.file);
      return !fs.existsSync(f) || fs.statSync(f).size !== p.size;
    });
    if (need.length) run('apt-get', [...this.opts, '-q', 'download', ...need.map((p) => `${p.name}=${p.version}`)], dest);
  }
}

/** Unpacks a .deb's files into dir (no maintainer scripts run). */
export function unpackDeb(deb: string, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  run('dpkg', ['-x', deb, dir]);
}
