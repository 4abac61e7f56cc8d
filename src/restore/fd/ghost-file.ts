// Files that were unlinked while open: REG entries that remap-fpath.img points to a
// ghost-file-<n>.img. The file is recreated once per ghost (at its old path, or beside it
// when that name is taken again), filled, given its owner, mode and times, and unlinked;
// every file id on it then opens that inode through /proc/self/fd as a plain REG file.
import fs from 'node:fs';
import path from 'node:path';
import { readImage, ImageError, type Entry } from '../../images/index.js';
import { fileEntry, type TreeImages } from '../task-images.js';
import type { FdKind, OpenContext } from './kinds.js';

const remapCache = new WeakMap<TreeImages, Map<number, number>>();

/** True when file fileId is a deleted file, remapped to a ghost. */
export const isGhost = (tree: TreeImages, fileId: number): boolean => ghostsOf(tree).has(fileId);

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

const seconds = (t: Entry | undefined): number => Number(t?.['tv_sec'] ?? 0) + Number(t?.['tv_usec'] ?? 0) / 1e6;

/** An fd here on the recreated and unlinked inode of `ghost`, made once per restore. */
function ghostInode(ctx: OpenContext, ghost: number, name: string): number {
  const key = `ghost:${ghost}`;
  const known = ctx.state.get(key) as number | undefined;
  if (known !== undefined) return known;
  const { head, data } = readGhost(ctx.tree, ghost);
  const where = fs.existsSync(name) ? `${name}.criu-ts-ghost-${ghost}` : name;
  const fd = fs.openSync(where, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
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

/** The REG kind, taught to open ghosts; files without a remap go to `reg` unchanged. */
export function withGhosts(reg: FdKind): FdKind {
  return {
    type: reg.type,
    check(tree, fileId) {
      const ghost = ghostsOf(tree).get(fileId);
      if (ghost === undefined) return reg.check(tree, fileId);
      const name: string = fileEntry(tree, fileId, 'REG')['reg']['name'];
      if (!fs.existsSync(path.dirname(name))) throw new Error(`criu-ts: the directory of the deleted file ${name} is missing`);
      readGhost(tree, ghost);
    },
    open(ctx, fileId) {
      const ghost = ghostsOf(ctx.tree).get(fileId);
      return ghost === undefined ? reg.open(ctx, fileId) : openGhost(reg, ctx, fileId, ghost, {});
    },
    reopen: (ctx, fileId, flags) => openGhost(reg, ctx, fileId, ghostsOf(ctx.tree).get(fileId)!, { flags, pos: 0n }),
  };
}

/** Opens file fileId (its reg entry changed by `change`) on the recreated inode of ghost. */
function openGhost(reg: FdKind, ctx: OpenContext, fileId: number, ghost: number, change: Entry): number {
  const entry = fileEntry(ctx.tree, fileId, 'REG');
  const inode = ghostInode(ctx, ghost, entry['reg']['name']);
  // The plain opener, pointed at the unlinked inode: flags and position as for any file.
  const files = new Map([[fileId, { ...entry, reg: { ...entry['reg'], ...change, name: `/proc/self/fd/${inode}` } }]]);
  return reg.open({ ...ctx, tree: { ...ctx.tree, files } }, fileId);
}
