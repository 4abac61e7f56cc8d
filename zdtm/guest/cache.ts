// Builds (once) and finds the pieces a foreign-arch guest boots from, all from Debian
// packages of that arch, cached outside the repo under $CRIU_TS_CACHE/guest/<arch>/
// (default ~/.cache/criu-ts/guest/<arch>/):
//   debs/            the downloaded .deb files
//   root/            nodejs + libnode108 and their library deps, unpacked (shared over 9p)
//   kernel-<ver>     the kernel image from the arch's linux-image package
//   initramfs.cpio   busybox-static, the 9p/virtio/socket-diag modules and /init
//   manifest.json    what the above were built from; a run that finds it valid builds nothing
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ArchDescriptor, QemuGuest } from '../../src/arch/descriptor.js';
import { silentLogger, type Logger } from '../../src/log.js';
import { ensureHostPackages, ForeignApt, unpackDeb, SUITE, type Package } from './apt.js';
import { writeCpio, type CpioEntry } from './cpio.js';
import { guestPaths, initScript, type InitSpec } from './init-script.js';
import { moduleLoadOrder } from './modules.js';

/** Modules the guest loads besides its virtio transport: 9p for the shares, and the
 *  socket-diag family that dumping sockets relies on. */
const GUEST_MODULES = ['9pnet_virtio', '9p', 'inet_diag', 'tcp_diag', 'udp_diag', 'raw_diag', 'unix_diag', 'netlink_diag', 'af_packet_diag'];

/** Top-level dirs of the initramfs that the Node root must not replace. */
const OWN_DIRS = new Set(['bin', 'sbin', 'etc', 'dev', 'proc', 'sys', 'tmp', 'root', 'modules']);
const INITRAMFS_DIRS = [...OWN_DIRS, ...Object.values(guestPaths).map((p) => p.slice(1))];

/** Bumped whenever the layout or the initramfs recipe changes, so old caches are rebuilt. */
const RECIPE = 2;

export interface GuestImage {
  arch: ArchDescriptor;
  qemu: QemuGuest;
  /** $CRIU_TS_CACHE/guest/<arch>: shared read-only with the guest, mounted at /guest. */
  dir: string;
  kernel: string;
  initrd: string;
  kernelVersion: string;
  /** Version of the guest's nodejs package. */
  nodeVersion: string;
}

interface Manifest {
  recipe: number;
  suite: string;
  packages: Package[];
  /** The packages unpacked into root/. */
  rootDebs: string[];
  kernelVersion: string;
  kernel: string;
  /** What /init was generated from: a changed generator rebuilds the initramfs. */
  init: InitSpec;
  initSha256: string;
  initrdSha256: string;
}

export function cacheRoot(): string {
  return process.env['CRIU_TS_CACHE'] ?? path.join(os.homedir(), '.cache', 'criu-ts');
}

export function guestDir(arch: ArchDescriptor): string {
  return path.join(cacheRoot(), 'guest', arch.name);
}

export function qemuOf(arch: ArchDescriptor): QemuGuest {
  if (!arch.qemu) throw new Error(`${arch.name} runs on the host; it has no guest`);
  return arch.qemu;
}

/** Debian's cross compilers for the arch (the catalog, the blobs and the addon are built with them). */
export function crossCompilersFor(arch: ArchDescriptor): string[] {
  return [`gcc-${arch.triple}`, `g++-${arch.triple}`];
}

/** Host packages a guest of this arch needs: its QEMU, qemu-user, the cross compilers, depmod. */
export function hostPackagesFor(arch: ArchDescriptor): string[] {
  return [...qemuOf(arch).hostPackages, 'qemu-user-static', ...crossCompilersFor(arch), 'kmod'];
}

function sha256(data: string | Buffer): string {
  return crypto.createHash('sha256').update(typeof data === 'string' ? fs.readFileSync(data) : data).digest('hex');
}

function readManifest(dir: string): Manifest | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** Cheap validity check: same recipe, every file there with the size or hash recorded. */
function manifestHolds(dir: string, m: Manifest | undefined): m is Manifest {
  if (!m || m.recipe !== RECIPE || m.suite !== SUITE) return false;
  const debs = path.join(dir, 'debs');
  return (
    m.packages.every((p) => fs.existsSync(path.join(debs, p.file)) && fs.statSync(path.join(debs, p.file)).size === p.size) &&
    fs.existsSync(path.join(dir, m.kernel)) &&
    fs.existsSync(path.join(dir, 'root', 'usr', 'bin', 'node')) &&
    fs.existsSync(path.join(dir, 'initramfs.cpio')) &&
    sha256(Buffer.from(initScript(m.init))) === m.initSha256 &&
    sha256(path.join(dir, 'initramfs.cpio')) === m.initrdSha256
  );
}

function imageOf(arch: ArchDescriptor, dir: string, m: Manifest): GuestImage {
  return {
    arch,
    qemu: qemuOf(arch),
    dir,
    kernel: path.join(dir, m.kernel),
    initrd: path.join(dir, 'initramfs.cpio'),
    kernelVersion: m.kernelVersion,
    nodeVersion: m.packages.find((p) => p.name === 'nodejs')?.version ?? '?',
  };
}

/** Rewrites absolute symlinks inside root as relative ones, so the tree works wherever it
 *  is mounted (ppc64el's /lib64/ld64.so.2 points at /lib/...; qemu-user -L needs this). */
export function relativizeSymlinks(root: string, dir = root): void {
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) relativizeSymlinks(root, p);
    else if (ent.isSymbolicLink()) {
      const target = fs.readlinkSync(p);
      if (!path.isAbsolute(target)) continue;
      fs.unlinkSync(p);
      fs.symlinkSync(path.relative(path.dirname(p), path.join(root, target)) || '.', p);
    }
  }
}

function buildRoot(dir: string, debs: string[]): void {
  const root = path.join(dir, 'root');
  fs.rmSync(root, { recursive: true, force: true });
  for (const deb of debs) unpackDeb(deb, root);
  relativizeSymlinks(root);
}

function readModuleFile(file: string): Buffer {
  if (file.endsWith('.xz')) return execFileSync('xz', ['-dc', file], { maxBuffer: 256 << 20 });
  if (file.endsWith('.zst')) return execFileSync('zstd', ['-dc', file], { maxBuffer: 256 << 20 });
  return fs.readFileSync(file);
}

/** Unpacks the kernel package, copies the kernel out, and returns the initramfs's modules. */
function takeKernel(q: QemuGuest, dir: string, kernelDeb: string, scratch: string): { version: string; kernel: string; modules: CpioEntry[]; order: string[] } {
  const unpacked = path.join(scratch, 'kernel');
  unpackDeb(kernelDeb, unpacked);
  const image = fs.readdirSync(path.join(unpacked, 'boot')).find((f) => f.startsWith(`${q.kernelFile}-`));
  if (!image) throw new Error(`${path.basename(kernelDeb)} has no /boot/${q.kernelFile}-*`);
  const version = image.slice(q.kernelFile.length + 1);
  const kernel = `kernel-${version}`;
  fs.copyFileSync(path.join(unpacked, 'boot', image), path.join(dir, kernel));
  execFileSync('depmod', ['-b', unpacked, version], { stdio: ['ignore', 'ignore', 'pipe'] });
  const modDir = path.join(unpacked, 'lib', 'modules', version);
  const files = moduleLoadOrder(
    fs.readFileSync(path.join(modDir, 'modules.dep'), 'utf8'),
    fs.readFileSync(path.join(modDir, 'modules.builtin'), 'utf8'),
    [...q.virtioModules, ...GUEST_MODULES],
  );
  const order = files.map((f, i) => `${String(i).padStart(2, '0')}-${path.basename(f).replace(/\.(xz|zst)$/, '')}`);
  const modules = files.map((f, i): CpioEntry => ({ kind: 'file', path: `modules/${order[i]}`, data: readModuleFile(path.join(modDir, f)) }));
  return { version, kernel, modules, order };
}

/** Writes initramfs.cpio; returns what its /init was generated from. */
function buildInitramfs(arch: ArchDescriptor, dir: string, busyboxDeb: string, kernel: ReturnType<typeof takeKernel>, scratch: string): InitSpec {
  const bb = path.join(scratch, 'busybox');
  unpackDeb(busyboxDeb, bb);
  const rootDirs = fs.readdirSync(path.join(dir, 'root')).filter((d) => !OWN_DIRS.has(d)).sort();
  const init: InitSpec = { modules: kernel.order, rootDirs, hostname: `criu-ts-${arch.name}` };
  const entries: CpioEntry[] = [
    ...INITRAMFS_DIRS.map((d): CpioEntry => ({ kind: 'dir', path: d, mode: d === 'tmp' ? 0o1777 : 0o755 })),
    { kind: 'chardev', path: 'dev/console', major: 5, minor: 1 },
    { kind: 'file', path: 'bin/busybox', data: fs.readFileSync(path.join(bb, 'bin', 'busybox')), mode: 0o755 },
    { kind: 'file', path: 'etc/passwd', data: Buffer.from('root:x:0:0:root:/root:/bin/sh\n') },
    { kind: 'file', path: 'etc/group', data: Buffer.from('root:x:0:\n') },
    { kind: 'file', path: 'etc/hosts', data: Buffer.from('127.0.0.1 localhost\n') },
    ...kernel.modules,
    { kind: 'file', path: 'init', mode: 0o755, data: Buffer.from(initScript(init)) },
  ];
  // Written aside and renamed: a guest starting meanwhile reads the old file or the new, whole.
  const tmp = path.join(scratch, 'initramfs.cpio');
  fs.writeFileSync(tmp, writeCpio(entries));
  fs.renameSync(tmp, path.join(dir, 'initramfs.cpio'));
  return init;
}

export interface EnsureOptions {
  /** Re-read the package index and rebuild what changed, even if the cache looks valid. */
  refresh?: boolean;
  log?: Logger;
}

/** The guest of this arch, built on first use; later calls only verify the cache. */
export function ensureGuest(arch: ArchDescriptor, opts: EnsureOptions = {}): GuestImage {
  const log = opts.log ?? silentLogger;
  const q = qemuOf(arch);
  const dir = guestDir(arch);
  ensureHostPackages(hostPackagesFor(arch), log);
  const old = readManifest(dir);
  if (!opts.refresh && manifestHolds(dir, old)) return imageOf(arch, dir, old);

  log.info(`${arch.name}: building the guest in ${dir}`);
  fs.mkdirSync(dir, { recursive: true });
  const apt = new ForeignApt(arch.debianArch, path.join(cacheRoot(), 'guest', `apt-${arch.debianArch}`));
  const debs = path.join(dir, 'debs');
  const fetch = (refresh: boolean) => {
    apt.update(refresh);
    const kernelPkg = apt.dependencyOf(q.kernelPackage, /^linux-image-\d/);
    const rootPkgs = apt.describe(apt.closure(['nodejs']));
    const [kernelDeb, busyboxDeb] = apt.describe([kernelPkg, 'busybox-static']) as [Package, Package];
    const packages = [...rootPkgs, kernelDeb, busyboxDeb];
    log.info(`${arch.name}: fetching ${packages.length} packages (${kernelPkg}, nodejs ${rootPkgs.find((p) => p.name === 'nodejs')?.version})`);
    apt.download(packages, debs);
    return { rootPkgs, kernelDeb, busyboxDeb, packages };
  };
  let got: ReturnType<typeof fetch>;
  try {
    got = fetch(opts.refresh ?? false);
  } catch (e) {
    // An index a few point releases old names files the mirror no longer has: refresh once.
    if (opts.refresh) throw e;
    log.info(`${arch.name}: ${(e as Error).message}; refreshing the package index`);
    got = fetch(true);
  }
  const { rootPkgs, kernelDeb, busyboxDeb, packages } = got;
  for (const f of fs.readdirSync(debs)) if (!packages.some((p) => p.file === f)) fs.rmSync(path.join(debs, f));

  const rootDebs = rootPkgs.map((p) => p.file);
  if (old?.rootDebs?.join() !== rootDebs.join() || !fs.existsSync(path.join(dir, 'root', 'usr', 'bin', 'node'))) {
    log.info(`${arch.name}: unpacking the Node root`);
    buildRoot(dir, rootPkgs.map((p) => path.join(debs, p.file)));
  }
  const scratch = fs.mkdtempSync(path.join(dir, 'scratch-'));
  try {
    log.info(`${arch.name}: kernel, modules and initramfs`);
    for (const f of fs.readdirSync(dir)) if (f.startsWith('kernel-')) fs.rmSync(path.join(dir, f));
    const kernel = takeKernel(q, dir, path.join(debs, kernelDeb.file), scratch);
    const init = buildInitramfs(arch, dir, path.join(debs, busyboxDeb.file), kernel, scratch);
    const m: Manifest = {
      recipe: RECIPE,
      suite: SUITE,
      packages,
      rootDebs,
      kernelVersion: kernel.version,
      kernel: kernel.kernel,
      init,
      initSha256: sha256(Buffer.from(initScript(init))),
      initrdSha256: sha256(path.join(dir, 'initramfs.cpio')),
    };
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(m, null, 2) + '\n');
    return imageOf(arch, dir, m);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
