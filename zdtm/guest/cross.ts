// Builds what the guest runs from the repo, for the guest's arch: the N-API addon
// (cross-compiled into the guest cache), the zdtm catalog and, once the arch has them, the blobs.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ArchDescriptor } from '../../src/arch/descriptor.js';
import { silentLogger, type Logger } from '../../src/log.js';
import { packageRoot } from '../../src/sys/native.js';
import { ensureHostPackages } from './apt.js';
import { crossCompilersFor, guestDir } from './cache.js';

/** Where the cross-built addon lives; the guest sees the cache at /guest. */
export function addonPath(arch: ArchDescriptor): string {
  return path.join(guestDir(arch), 'addon', 'criu_ts.node');
}

interface GypTarget {
  sources: string[];
  include_dirs?: string[];
  defines?: string[];
  cflags_cc?: string[];
}

/** An entry of native/binding.gyp for `arch`: its <(criu_arch) is the arch's folder name. */
const gypArch = (entry: string, arch: ArchDescriptor): string => entry.replaceAll('<(criu_arch)', arch.name);

/** The files binding.gyp's sources name for `arch` (`<!@(ls -1 DIR/*.cc ...)` or plain paths). */
function gypSources(entries: string[], arch: ArchDescriptor, nativeDir: string): string[] {
  return entries.flatMap((entry) => {
    const ls = /^<!@\(ls -1 (.+)\)$/.exec(entry);
    if (!ls) return [path.resolve(nativeDir, gypArch(entry, arch))];
    return gypArch(ls[1]!, arch).split(/\s+/).flatMap((glob) => {
      const dir = path.resolve(nativeDir, path.dirname(glob));
      const suffix = path.basename(glob).replace(/^\*/, '');
      return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(suffix)).sort().map((f) => path.join(dir, f)) : [];
    });
  });
}

/** The compiler and flags for the addon's objects; sources, include directories, defines and
 *  C++ flags are the ones native/binding.gyp gives the host build, so the two cannot drift apart. */
export function addonCompileArgs(arch: ArchDescriptor, repo: string): { cc: string; flags: string[]; sources: string[] } {
  const nativeDir = path.join(repo, 'native');
  const gyp = JSON.parse(fs.readFileSync(path.join(nativeDir, 'binding.gyp'), 'utf8')) as { targets: GypTarget[] };
  const target = gyp.targets[0]!;
  const napiInclude = (createRequire(path.join(repo, 'package.json'))('node-addon-api') as { include_dir: string }).include_dir;
  // The node-addon-api entry is a command; its result is napiInclude.
  const includes = (target.include_dirs ?? []).filter((d) => !d.startsWith('<!')).map((d) => path.resolve(nativeDir, gypArch(d, arch)));
  return {
    cc: `${arch.triple}-g++`,
    flags: [
      '-O2', '-fPIC',
      ...(target.cflags_cc ?? []),
      ...(target.defines ?? []).map((d) => `-D${d}`),
      '-I/usr/include/node', `-I${path.resolve(repo, napiInclude)}`,
      ...includes.map((d) => `-I${d}`),
    ],
    sources: gypSources(target.sources, arch, nativeDir),
  };
}

function compilerError(e: unknown): string {
  const stderr = String((e as { stderr?: Buffer }).stderr ?? '').trim().split('\n');
  return stderr.find((l) => l.includes('error')) ?? stderr.pop() ?? (e as Error).message;
}

/** Digest of the command and of every file the object was built from (its -MMD list). */
function objectDigest(command: string[], depFile: string): string | undefined {
  if (!fs.existsSync(depFile)) return undefined;
  const inputs = fs.readFileSync(depFile, 'utf8').replace(/\\\n/g, ' ').split(/\s+/).filter(Boolean).slice(1);
  const hash = crypto.createHash('sha256').update(command.join('\0'));
  for (const f of inputs) {
    if (!fs.existsSync(f)) return undefined;
    hash.update(f).update(fs.readFileSync(f));
  }
  return hash.digest('hex');
}

/** Compiles one source unless it and its headers are unchanged; true if it was compiled. */
function compileObject(cc: string, flags: string[], source: string, objDir: string): boolean {
  const obj = path.join(objDir, path.basename(source, '.cc') + '.o');
  const dep = obj + '.d';
  const stamp = obj + '.sha256';
  const command = [cc, ...flags, source];
  const now = objectDigest(command, dep);
  if (now !== undefined && fs.existsSync(obj) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === now) return false;
  execFileSync(cc, [...flags, '-c', source, '-o', obj, '-MMD', '-MF', dep], { stdio: ['ignore', 'ignore', 'pipe'] });
  fs.writeFileSync(stamp, objectDigest(command, dep) ?? '');
  return true;
}

/** Cross-compiles the addon's sources (only what changed) and links the addon for the arch. */
export function buildAddon(arch: ArchDescriptor, log: Logger = silentLogger): string {
  const repo = packageRoot();
  const out = addonPath(arch);
  const objDir = path.join(path.dirname(out), 'obj');
  const { cc, flags, sources } = addonCompileArgs(arch, repo);
  fs.mkdirSync(objDir, { recursive: true });
  const objects = sources.map((s) => path.join(objDir, path.basename(s, '.cc') + '.o'));
  for (const f of fs.readdirSync(objDir)) if (!objects.some((o) => f.startsWith(path.basename(o)))) fs.rmSync(path.join(objDir, f));
  let changed = !fs.existsSync(out);
  for (const source of sources) {
    try {
      if (compileObject(cc, flags, source, objDir)) {
        log.info(`${arch.name}: cross-compiled ${path.basename(source)}`);
        changed = true;
      }
    } catch (e) {
      throw new Error(`cross-compiling the addon for ${arch.name} failed: ${compilerError(e)}`);
    }
  }
  if (!changed) return out;
  // Linked aside and renamed: a guest booting meanwhile sees the old addon or the new, whole.
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    execFileSync(cc, ['-shared', '-o', tmp, ...objects], { stdio: ['ignore', 'ignore', 'pipe'] });
    fs.renameSync(tmp, out);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`linking the addon for ${arch.name} failed: ${compilerError(e)}`);
  }
  return out;
}

function make(dir: string, arch: ArchDescriptor, keepGoing = false): void {
  try {
    execFileSync('make', ['-s', ...(keepGoing ? ['-k'] : []), '-C', dir, `ARCH=${arch.name}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const lines = String((e as { stderr?: Buffer }).stderr ?? '').trim().split('\n');
    const first = lines.find((l) => /error/i.test(l)) ?? lines.pop() ?? (e as Error).message;
    throw new Error(`make -C ${path.basename(dir)} ARCH=${arch.name} failed: ${first}`);
  }
}

/** Builds the catalog and blobs for the arch; returns notes on what had to be skipped. */
export function buildRepoFor(arch: ArchDescriptor, log: Logger = silentLogger): string[] {
  const repo = packageRoot();
  const notes: string[] = [];
  // Installed here too: on a fresh machine this runs before the guest (and its host packages) is set up.
  ensureHostPackages(crossCompilersFor(arch), log);
  if (fs.existsSync(path.join(repo, 'zdtm', 'Makefile'))) {
    log.info(`${arch.name}: building the zdtm catalog`);
    // A test that does not build for this arch is the runner's to report ("not built"),
    // not a reason to run none of them.
    try {
      make(path.join(repo, 'zdtm'), arch, true);
    } catch (e) {
      notes.push(`some tests did not build: ${(e as Error).message}`);
    }
  } else notes.push('no zdtm/Makefile: catalog not built');
  if (fs.existsSync(path.join(repo, 'arch', arch.name, 'arch.mk'))) {
    log.info(`${arch.name}: building the blobs`);
    make(path.join(repo, 'arch'), arch);
  } else notes.push(`no blob for ${arch.name} yet: blobs skipped`);
  return notes;
}
