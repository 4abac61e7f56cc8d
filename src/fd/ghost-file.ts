// Files unlinked while open ("/path (deleted)"): a REG entry under the old path, remapped
// (remap-fpath.img, GHOST) to ghost-file-<n>.img, which holds the inode's owner, mode,
// times and its data extents (found with SEEK_DATA/SEEK_HOLE, one ghost_chunk_entry each, so
// holes stay holes). Restore recreates the file once per ghost (at its old path, or beside it
// when that name is taken again), sizes and fills it, gives it its owner, mode and times,
// and unlinks it; every file id on it then opens that inode through /proc/self/fd as a
// plain REG file. Both fds and mappings of unlinked files come here (see reg-file.ts, memory.ts).
// A file unlinked but still linked elsewhere is no ghost: its data is that other name's. With
// --link-remap the dump links it again in its old directory (link_remap.N, a LINKED remap to a
// REG entry of that name); restore opens it there and removes the link once the tree runs.
import fs from 'node:fs';
import path from 'node:path';
import { ImageError, readImage, writeImage } from '../images/index.js';
import type { GhostChunkEntry, GhostFileEntry, RemapFilePathEntry, Timeval } from '../images/entries.js';
import { isSysError } from '../sys/native.js';
import { __O_TMPFILE, O_CLOEXEC, O_CREAT, O_EXCL, O_RDONLY, O_RDWR } from '../sys/fcntl.js';
import { dataExtents } from '../sys/file-extents.js';
import { PathRefused, resolveBeneath, trustedOwners, type Beneath } from '../restore/beneath.js';
import { fileEntry, type TreeImages } from '../restore/task-images.js';
import { linkFollow } from '../sys/proc-ops.js';
import { regFileBody, type FileTable } from './file-table.js';
import type { FdDumpOptions, KindDumpState, OpenContext } from './kind.js';

const DELETED = ' (deleted)';
/** Larger ghosts are refused unless --ghost-limit allows them, as CRIU does. */
export const GHOST_LIMIT = 1 << 20;

/** True for a /proc link naming an unlinked file (memfds read so too, but are no files of a directory). */
export const isUnlinkedPath = (link: string): boolean => link.startsWith('/') && link.endsWith(DELETED) && !link.startsWith('/memfd:');

const timeval = (ns: bigint): Timeval => ({ tv_sec: ns / 1_000_000_000n, tv_usec: (ns % 1_000_000_000n) / 1000n });

interface Ghost {
  head: GhostFileEntry;
  chunks: GhostChunkEntry[];
  data: Buffer[];
}

function ghostOf(openPath: string, st: fs.BigIntStats, limit: number, unsupported: (what: string) => Error): Ghost {
  // A removed directory (a cwd, an open fd) keeps only its attributes: it has no entries left.
  if (st.isDirectory()) return { head: headOf(st, 0n), chunks: [], data: [] };
  if (st.size > BigInt(limit)) throw unsupported(`an unlinked file of ${st.size} bytes (over the ghost limit of ${limit}; see --ghost-limit)`);
  const fd = fs.openSync(openPath, O_RDONLY);
  try {
    const chunks: GhostChunkEntry[] = [];
    const data: Buffer[] = [];
    for (const [off, len] of dataExtents(fd, st.size)) {
      const buf = Buffer.alloc(Number(len));
      for (let got = 0; got < buf.length; ) {
        const n = fs.readSync(fd, buf, got, buf.length - got, Number(off) + got);
        if (n === 0) throw unsupported(`an unlinked file that shrank while being read`);
        got += n;
      }
      chunks.push({ len, off });
      data.push(buf);
    }
    return { head: headOf(st, st.size), chunks, data };
  } finally {
    fs.closeSync(fd);
  }
}

const headOf = (st: fs.BigIntStats, size: bigint): GhostFileEntry => ({
  uid: Number(st.uid), gid: Number(st.gid), mode: Number(st.mode),
  dev: Number(st.dev), ino: st.ino,
  atim: timeval(st.atimeNs), mtim: timeval(st.mtimeNs),
  chunks: true, size,
});

/** The ghosts of one dump: one ghost-file image per unlinked inode, and the remaps of the files on them. */
export class GhostFiles implements KindDumpState {
  /** Ghost number by "dev:ino" of the unlinked file. */
  private readonly ghosts = new Map<string, Ghost>();
  private readonly numbers = new Map<string, number>();
  private readonly remaps: RemapFilePathEntry[] = [];
  /** The REG id of the link made for an inode, by "dev:ino", and the links made. */
  private readonly links = new Map<string, number>();
  private readonly made: string[] = [];

  constructor(private readonly options: Pick<FdDumpOptions, 'ghostLimit' | 'linkRemap'>) {}

  /**
   * The id of a REG entry for the unlinked file reachable at openPath (an fd or a
   * map_files link) and shown as link, remapped to its ghost; one ghost per inode.
   */
  regFile(files: FileTable, key: string, openPath: string, link: string, flags: number, pos: bigint, unsupported: (what: string) => Error): number {
    const st = fs.statSync(openPath, { bigint: true });
    if (!st.isFile() && !(st.isDirectory() && st.nlink === 0n)) throw unsupported('an unlinked file that is not a regular file or a removed directory');
    const name = link.slice(0, -DELETED.length);
    if (st.nlink !== 0n) {
      if (!this.options.linkRemap) throw unsupported('a file unlinked but still linked elsewhere, without --link-remap');
      return files.shared(key, (id) => {
        files.add('REG', 'reg', id, files.pathBody(name, flags, pos, fs.statSync(openPath), openPath));
        const inode = `${st.dev}:${st.ino}`;
        let linkId = this.links.get(inode);
        if (linkId === undefined) {
          const linked = this.link(openPath, path.dirname(name), unsupported);
          linkId = files.allocId();
          files.add('REG', 'reg', linkId, regFileBody(linked, O_RDONLY, 0n, fs.statSync(linked)));
          this.links.set(inode, linkId);
        }
        this.remaps.push({ orig_id: id, remap_id: linkId, remap_type: 'LINKED' });
      });
    }
    return files.shared(key, (id) => {
      files.add('REG', 'reg', id, regFileBody(name, flags, pos, fs.statSync(openPath)));
      const inode = `${st.dev}:${st.ino}`;
      let ghostId = this.numbers.get(inode);
      if (ghostId === undefined) {
        ghostId = this.numbers.size + 1;
        this.numbers.set(inode, ghostId);
        this.ghosts.set(inode, ghostOf(openPath, st, this.options.ghostLimit, unsupported));
      }
      this.remaps.push({ orig_id: id, remap_id: ghostId, remap_type: 'GHOST' });
    });
  }

  /** A new hard link in dir to the file open at openPath, named link_remap.N (the first N free). */
  private link(openPath: string, dir: string, unsupported: (what: string) => Error): string {
    for (let n = this.made.length + 1; ; n++) {
      const linked = path.join(dir, `link_remap.${n}`);
      try {
        linkFollow(openPath, linked);
      } catch (e) {
        if (isSysError(e, 'EEXIST')) continue;
        throw unsupported(`an unlinked file that cannot be linked again in ${dir} (${(e as Error).message})`);
      }
      this.made.push(linked);
      return linked;
    }
  }

  failed(): void {
    for (const linked of this.made.splice(0)) fs.rmSync(linked, { force: true });
  }

  finish({ dir }: { dir: string }): void {
    for (const [inode, g] of this.ghosts) {
      writeImage(dir, `ghost-file-${this.numbers.get(inode)}.img`, 'ghost-file', [g.head, ...g.chunks], [undefined, ...g.data]);
    }
    if (this.remaps.length) writeImage(dir, 'remap-fpath.img', 'remap-fpath', this.remaps);
  }
}

interface Remaps {
  /** Ghost number by the file id it stands in for. */
  ghosts: Map<number, number>;
  /** The REG id of the link (--link-remap) by the file id it stands in for. */
  links: Map<number, number>;
}

const remapCache = new WeakMap<TreeImages, Remaps>();

function remapsOf(tree: TreeImages): Remaps {
  let m = remapCache.get(tree);
  if (m) return m;
  m = { ghosts: new Map(), links: new Map() };
  if (fs.existsSync(path.join(tree.dir, 'remap-fpath.img'))) {
    for (const r of readImage(tree.dir, 'remap-fpath.img', 'remap-fpath').entries) {
      const type = r.remap_type ?? 'LINKED';
      if (type === 'GHOST') m.ghosts.set(r.orig_id, r.remap_id);
      else if (type === 'LINKED') m.links.set(r.orig_id, r.remap_id);
      else throw new ImageError('remap-fpath.img', 0, `GHOST or LINKED remaps only (file ${r.orig_id} is ${type})`);
    }
  }
  remapCache.set(tree, m);
  return m;
}

/** The ghost number file fileId is remapped to, if it is a deleted file. */
export const ghostNumber = (tree: TreeImages, fileId: number): number | undefined => remapsOf(tree).ghosts.get(fileId);

/** The path of the link the dump made for file fileId (--link-remap), if it did. */
export function linkedPath(tree: TreeImages, fileId: number): string | undefined {
  const id = remapsOf(tree).links.get(fileId);
  return id === undefined ? undefined : fileEntry(tree, id, 'REG').reg.name;
}

/** The tree runs: the links the dump made for it (--link-remap) go, as CRIU removes them. */
export function removeLinkRemaps(tree: TreeImages): void {
  for (const id of new Set(remapsOf(tree).links.values())) fs.rmSync(fileEntry(tree, id, 'REG').reg.name, { force: true });
}

/** A ghost's size and its data as (offset, bytes) pieces, all inside the size: nothing allocated by what the image claims. */
function readGhost(tree: TreeImages, ghost: number): { head: GhostFileEntry; size: number; pieces: [number, Buffer][] } {
  const file = `ghost-file-${ghost}.img`;
  const img = readImage(tree.dir, file, 'ghost-file');
  const [head, ...chunks] = img.entries;
  if (!head) throw new ImageError(file, 0, 'a ghost_file_entry');
  if (!head.chunks) {
    const data = img.payloads[0] ?? Buffer.alloc(0);
    return { head, size: data.length, pieces: [[0, data]] };
  }
  const size = Number(head.size ?? 0);
  if (!Number.isSafeInteger(size) || size < 0) throw new ImageError(file, img.offsets[0]!, `a file size, found ${head.size}`);
  const pieces = chunks.map((c, i): [number, Buffer] => {
    const off = Number(c.off);
    const data = img.payloads[i + 1] ?? Buffer.alloc(0);
    if (!Number.isSafeInteger(off) || off < 0 || off + data.length > size) throw new ImageError(file, img.offsets[i + 1]!, `a chunk inside the file's ${size} bytes, found ${data.length} at ${c.off}`);
    return [off, data];
  });
  return { head, size, pieces };
}

/** Throws unless ghost can be recreated for file fileId. */
export function checkGhost(tree: TreeImages, fileId: number, ghost: number): void {
  const name = fileEntry(tree, fileId, 'REG').reg.name;
  let where: Beneath;
  try {
    where = resolveBeneath(name, trustedOwners(tree));
  } catch (e) {
    if (e instanceof PathRefused) throw new Error(`criu-ts: deleted file ${fileId}: ${e.message}`);
    throw e;
  }
  where.close();
  readGhost(tree, ghost);
}

const seconds = (t: Timeval | undefined): number => Number(t?.tv_sec ?? 0) + Number(t?.tv_usec ?? 0) / 1e6;

/** How a file made with O_TMPFILE was made: linkable later unless with O_EXCL; undefined for any other file. */
export const tmpfileOf = (flags: number): { linkable: boolean } | undefined => (flags & __O_TMPFILE ? { linkable: (flags & O_EXCL) === 0 } : undefined);

/**
 * An fd here on the recreated and unlinked inode of `ghost`, made once per restore. One made
 * with O_TMPFILE is made so again in its directory, so that linkat can still give it a name.
 */
export function ghostInode(ctx: OpenContext, ghost: number, name: string, tmpfile?: { linkable: boolean }): number {
  const key = `ghost:${ghost}`;
  const known = ctx.state.get(key) as number | undefined;
  if (known !== undefined) return known;
  const { head, size, pieces } = readGhost(ctx.tree, ghost);
  // Created and unlinked in its directory, reached beneath the root without a planted symlink.
  const dir = resolveBeneath(name, trustedOwners(ctx.tree));
  let where = dir.at;
  let fd: number;
  const directory = (head.mode & fs.constants.S_IFMT) === fs.constants.S_IFDIR;
  try {
    if (directory) {
      if (fs.lstatSync(where, { throwIfNoEntry: false })) where = `${dir.at}.criu-ts-ghost-${ghost}`;
      fs.mkdirSync(where, 0o700);
      fd = fs.openSync(where, O_RDONLY | fs.constants.O_DIRECTORY | O_CLOEXEC | fs.constants.O_NOFOLLOW);
    } else if (tmpfile) {
      fd = fs.openSync(path.dirname(where), O_RDWR | __O_TMPFILE | fs.constants.O_DIRECTORY | O_CLOEXEC | (tmpfile.linkable ? 0 : O_EXCL), 0o600);
      where = '';
    } else {
      if (fs.lstatSync(where, { throwIfNoEntry: false })) where = `${dir.at}.criu-ts-ghost-${ghost}`;
      fd = fs.openSync(where, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | fs.constants.O_NOFOLLOW, 0o600);
    }
  } catch (e) {
    dir.close();
    throw e;
  }
  ctx.opened.push(fd);
  try {
    // The size first: what no piece covers stays a hole.
    if (!directory) fs.ftruncateSync(fd, size);
    for (const [off, data] of pieces) for (let done = 0; done < data.length; ) done += fs.writeSync(fd, data, done, data.length - done, off + done);
    fs.fchownSync(fd, head.uid, head.gid);
    fs.fchmodSync(fd, head.mode & 0o7777);
    fs.futimesSync(fd, seconds(head.atim), seconds(head.mtim));
  } finally {
    if (directory) fs.rmdirSync(where);
    else if (where) fs.unlinkSync(where);
    dir.close();
  }
  ctx.state.set(key, fd);
  return fd;
}
