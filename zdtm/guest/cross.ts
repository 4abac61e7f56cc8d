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
import { guestDir } from './cache.js';

/** Where the cross-built addon lives; the guest sees the cache at /guest. */
export function addonPath(arch: ArchDescriptor): string {
  return path.join(guestDir(arch), 'addon', 'criu_ts.node');
}

interface GypTarget {
  defines?: string[];
  cflags_cc?: string[];
}

/** The compiler command for the addon (without output path); defines and C++ flags are the
 *  ones native/binding.gyp gives the host build, so the two cannot drift apart. */
export function addonCompileArgs(arch: ArchDescriptor, repo: string): { cc: string; args: string[] } {
  const gyp = JSON.parse(fs.readFileSync(path.join(repo, 'native', 'binding.gyp'), 'utf8')) as { targets: GypTarget[] };
  const target = gyp.targets[0]!;
  const napiInclude = (createRequire(path.join(repo, 'package.json'))('node-addon-api') as { include_dir: string }).include_dir;
  const sources = fs.readdirSync(path.join(repo, 'native', 'src')).filter((f) => f.endsWith('.cc')).sort().map((f) => path.join(repo, 'native', 'src', f));
  return {
    cc: `${arch.triple}-g++`,
    args: [
      '-O2', '-shared', '-fPIC',
      ...(target.cflags_cc ?? []),
      ...(target.defines ?? []).map((d) => `-D${d}`),
      '-I/usr/include/node', `-I${path.resolve(repo, napiInclude)}`,
      ...sources,
    ],
  };
}

/** Cross-compiles native/src/*.cc unless the sources and command are unchanged since last time. */
export function buildAddon(arch: ArchDescriptor, log: Logger = silentLogger): string {
  const repo = packageRoot();
  const out = addonPath(arch);
  const { cc, args } = addonCompileArgs(arch, repo);
  const hash = crypto.createHash('sha256').update(cc + '\0' + args.join('\0'));
  for (const f of fs.readdirSync(path.join(repo, 'native', 'src')).sort()) hash.update(fs.readFileSync(path.join(repo, 'native', 'src', f)));
  const stamp = out + '.sha256';
  const digest = hash.digest('hex');
  if (fs.existsSync(out) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === digest) return out;
  log.info(`${arch.name}: cross-compiling the addon with ${cc}`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  // Built aside and renamed: a guest booting meanwhile sees the old addon or the new, whole.
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    execFileSync(cc, [...args, '-o', tmp], { stdio: ['ignore', 'ignore', 'pipe'] });
    fs.renameSync(tmp, out);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    const stderr = String((e as { stderr?: Buffer }).stderr ?? '').trim().split('\n').find((l) => l.includes('error')) ?? (e as Error).message;
    throw new Error(`cross-compiling the addon for ${arch.name} failed: ${stderr}`);
  }
  fs.writeFileSync(stamp, digest);
  return out;
}

function make(dir: string, arch: ArchDescriptor): void {
  try {
    execFileSync('make', ['-s', '-C', dir, `ARCH=${arch.name}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const stderr = String((e as { stderr?: Buffer }).stderr ?? '').trim().split('\n').pop() ?? (e as Error).message;
    throw new Error(`make -C ${path.basename(dir)} ARCH=${arch.name} failed: ${stderr}`);
  }
}

/** Builds the catalog and blobs for the arch; returns notes on what had to be skipped. */
export function buildRepoFor(arch: ArchDescriptor, log: Logger = silentLogger): string[] {
  const repo = packageRoot();
  const notes: string[] = [];
  if (fs.existsSync(path.join(repo, 'zdtm', 'Makefile'))) {
    log.info(`${arch.name}: building the zdtm catalog`);
    make(path.join(repo, 'zdtm'), arch);
  } else notes.push('no zdtm/Makefile: catalog not built');
  if (fs.existsSync(path.join(repo, 'arch', arch.name, 'arch.mk'))) {
    log.info(`${arch.name}: building the blobs`);
    make(path.join(repo, 'arch'), arch);
  } else notes.push(`no blob for ${arch.name} yet: blobs skipped`);
  return notes;
}
