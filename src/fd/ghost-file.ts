// Files unlinked while open ("/path (deleted)"): a REG entry under the old path, remapped
// (remap-fpath.img, GHOST) to ghost-file-<n>.img, which holds the inode's owner, mode,
// times and whole contents. Restore recreates the file once per ghost (at its old path, or
// beside it when that name is taken again), fills it, gives it its owner, mode and times,
// and unlinks it; every file id on it then opens that inode through /proc/self/fd as a
// plain REG file. Both fds and mappings of unlinked files come here (see reg-file.ts, memory.ts).
import fs from 'node:fs';
import path from 'node:path';
import { ImageError, readImage, writeImage, type Entry } from '../images/index.js';
import { O_CREAT, O_EXCL, O_RDWR } from '../sys/fcntl.js';
import { fileEntry, type TreeImages } from '../restore/task-images.js';
import { regFileBody, type FileTable } from './file-table.js';
import type { KindDumpState, OpenContext } from './kind.js';

const DELETED = ' (deleted)';
/** Larger ghosts are refused, as CRIU does by default (its --ghost-limit). */
export const GHOST_LIMIT = 1 << 20;

/** True for a /proc link naming an unlinked file (memfds read so too, but are no files of a directory). */
export const isUnlinkedPath = (link: string): boolean => link.startsWith('/') && link.endsWith(DELETED) && !link.startsWith('/memfd:');

const timeval = (ns: bigint): Entry => ({ tv_sec: ns / 1_000_000_000n, tv_usec: (ns % 1_000_000_000n) / 1000n });

function ghostOf(openPath: string, st: fs.BigIntStats, unsupported: (what: string) => Error): { head: Entry; data: Buffer } {
  if (st.size > BigInt(GHOST_LIMIT)) throw unsupported(`an unlinked file of ${st.size} bytes (over ${GHOST_LIMIT})`);
  const data = fs.readFileSync(openPath);
  const head: Entry = {
    uid: Number(st.uid), gid: Number(st.gid), mode: Number(st.mode),
    dev: Number(st.dev), ino: st.ino,
    atim: timeval(st.atimeNs), mtim: timeval(st.mtimeNs),
    size: BigInt(data.length),
  };
  return { head, data };
}

/** The ghosts of one dump: one ghost-file image per unlinked inode, and the remaps of the files on them. */
export class GhostFiles implements KindDumpState {
  /** Ghost number by "dev:ino" of the unlinked file. */
  private readonly ghosts = new Map<string, { head: Entry; data: Buffer }>();
  private readonly numbers = new Map<string, number>();
  private readonly remaps: Entry[] = [];

  /**
   * The id of a REG entry for the unlinked file reachable at openPath (an fd or a
   * map_files link) and shown as link, remapped to its ghost; one ghost per inode.
   */
  regFile(files: FileTable, key: string, openPath: string, link: string, flags: number, pos: bigint, unsupported: (what: string) => Error): number {
    const st = fs.statSync(openPath, { bigint: true });
    if (!st.isFile()) throw unsupported('an unlinked file that is not a regular file');
    if (st.nlink !== 0n) throw unsupported('a file renamed or linked elsewhere after being opened');
    const name = link.slice(0, -DELETED.length);
    return files.shared(key, (id) => {
      files.add('REG', 'reg', id, regFileBody(name, flags, pos, fs.statSync(openPath)));
      const inode = `${st.dev}:${st.ino}`;
      let ghostId = this.numbers.get(inode);
      if (ghostId === undefined) {
        ghostId = this.numbers.size + 1;
        this.numbers.set(inode, ghostId);
        this.ghosts.set(inode, ghostOf(openPath, st, unsupported));
      }
      this.remaps.push({ orig_id: id, remap_id: ghostId, remap_type: 'GHOST' });
    });
  }

  finish({ dir }: { dir: string }): void {
    for (const [inode, g] of this.ghosts) writeImage(dir, `ghost-file-${this.numbers.get(inode)}.img`, 'ghost-file', [g.head], [g.data]);
    if (this.remaps.length) writeImage(dir, 'remap-fpath.img', 'remap-fpath', this.remaps);
  }
}

const remapCache = new WeakMap<TreeImages, Map<number, number>>();

/** Ghost number by the file id it stands in for. */
function ghostsOf(tree: TreeImages): Map<number, number> {
  let m = remapCache.get(tree);
  if (m) return m;
  m = new Map();
  if (fs.existsSync(path.join(tree.dir, 'remap-fpath.img'))) {
    for (const r of readImage(tree.dir, 'remap-fpath.img').entries) {
      const type = r['remap_type'] ?? 'LINKED';
      if (type !== 'GHOST') throw new ImageError('remap-fpath.img', 0, `GHOST remaps only (file ${r['orig_id']} is ${type})`);
      m.set(r['orig_id'], r['remap_id']);
    }
  }
  remapCache.set(tree, m);
  return m;
}

/** The ghost number file fileId is remapped to, if it is a deleted file. */
export const ghostNumber = (tree: TreeImages, fileId: number): number | undefined => ghostsOf(tree).get(fileId);

function readGhost(tree: TreeImages, ghost: number): { head: Entry; data: Buffer } {
  const file = `ghost-file-${ghost}.img`;
  const img = readImage(tree.dir, file);
  const head = img.entries[0];
  if (!head) throw new ImageError(file, 0, 'a ghost_file_entry');
  if (!head['chunks']) return { head, data: img.payloads[0] ?? Buffer.alloc(0) };
  const data = Buffer.alloc(Number(head['size'] ?? 0));
  img.entries.slice(1).forEach((c, i) => img.payloads[i + 1]?.copy(data, Number(c['off'])));
  return { head, data };
}

/** Throws unless ghost can be recreated for file fileId. */
export function checkGhost(tree: TreeImages, fileId: number, ghost: number): void {
  const name: string = fileEntry(tree, fileId, 'REG')['reg']['name'];
  if (!fs.existsSync(path.dirname(name))) throw new Error(`criu-ts: the directory of the deleted file ${name} is missing`);
  readGhost(tree, ghost);
}

const seconds = (t: Entry | undefined): number => Number(t?.['tv_sec'] ?? 0) + Number(t?.['tv_usec'] ?? 0) / 1e6;

/** An fd here on the recreated and unlinked inode of `ghost`, made once per restore. */
export function ghostInode(ctx: OpenContext, ghost: number, name: string): number {
  const key = `ghost:${ghost}`;
  const known = ctx.state.get(key) as number | undefined;
  if (known !== undefined) return known;
  const { head, data } = readGhost(ctx.tree, ghost);
  const where = fs.existsSync(name) ? `${name}.criu-ts-ghost-${ghost}` : name;
  const fd = fs.openSync(where, O_RDWR | O_CREAT | O_EXCL, 0o600);
  ctx.opened.push(fd);
  try {
    fs.writeSync(fd, data);
    fs.fchownSync(fd, head['uid'], head['gid']);
    fs.fchmodSync(fd, head['mode'] & 0o7777);
    fs.futimesSync(fd, seconds(head['atim']), seconds(head['mtim']));
  } finally {
    fs.unlinkSync(where);
  }
  ctx.state.set(key, fd);
  return fd;
}
