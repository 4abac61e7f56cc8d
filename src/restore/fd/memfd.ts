// memfds: each inode of memfd.img made once for the tree (name, size, contents from its
// pagemap-shmem pages, owner, mode, then its seals), and every MEMFD file (an fd, or the
// file behind a mapping) a fresh open of it through /proc/self/fd, as a plain REG file.
import fs from 'node:fs';
import { ImageError, readImage, type Entry } from '../../images/index.js';
import { fcntl, memfdCreate } from '../../sys/proc-ops.js';
import { PAGE_SIZE } from '../memory.js';
import { fillSharedMemory } from '../shmem.js';
import { fileEntry, type TreeImages } from '../task-images.js';
import type { FdKind, OpenContext } from './kinds.js';
import { regularFile } from './reg.js';

const MFD_CLOEXEC = 1;
const MFD_ALLOW_SEALING = 2;
const F_ADD_SEALS = 1033;

const cache = new WeakMap<TreeImages, Map<number, Entry>>();

/** memfd.img entries by inode_id. */
function inodesOf(tree: TreeImages): Map<number, Entry> {
  let m = cache.get(tree);
  if (!m) {
    m = new Map(readImage(tree.dir, 'memfd.img').entries.map((e) => [Number(e['inode_id']), e]));
    cache.set(tree, m);
  }
  return m;
}

function inodeEntry(tree: TreeImages, fileId: number): Entry {
  const id = Number(fileEntry(tree, fileId, 'MEMFD')['memfd']['inode_id']);
  const inode = inodesOf(tree).get(id);
  if (!inode) throw new ImageError('memfd.img', 0, `memfd inode ${id} (of file ${fileId})`);
  return inode;
}

/** The memfd of inode, created and filled the first time. */
function memfdOf(ctx: OpenContext, inode: Entry): number {
  const key = `memfd-inode:${inode['inode_id']}`;
  const known = ctx.state.get(key) as number | undefined;
  if (known !== undefined) return known;
  const fd = memfdCreate(inode['name'], MFD_CLOEXEC | MFD_ALLOW_SEALING);
  ctx.opened.push(fd);
  const size = Number(inode['size']);
  // Pages are whole: the last one is filled up to its end, then cut back to the size.
  const page = Number(PAGE_SIZE);
  const pagesEnd = Math.ceil(size / page) * page;
  fs.ftruncateSync(fd, pagesEnd);
  const shmid = BigInt(inode['shmid']);
  const pages = ctx.tree.shmem.get(shmid);
  if (pages) fillSharedMemory(fd, BigInt(pagesEnd), shmid, ctx.tree.dir, pages);
  fs.ftruncateSync(fd, size);
  fs.fchownSync(fd, inode['uid'], inode['gid']);
  if (inode['mode'] !== undefined) fs.fchmodSync(fd, inode['mode'] & 0o7777);
  // Last: a seal may forbid the writes and resizes above.
  if (inode['seals']) fcntl(fd, F_ADD_SEALS, Number(inode['seals']));
  ctx.state.set(key, fd);
  return fd;
}

/** A new open file of fileId's memfd with these flags at pos. */
function reopen(ctx: OpenContext, fileId: number, flags: number, pos: bigint): number {
  const memfd = memfdOf(ctx, inodeEntry(ctx.tree, fileId));
  const reg = { name: `/proc/self/fd/${memfd}`, flags, pos };
  const files = new Map([[fileId, { type: 'REG', id: fileId, reg }]]);
  return regularFile.open({ ...ctx, tree: { ...ctx.tree, files } }, fileId);
}

export const memfdFile: FdKind = {
  type: 'MEMFD',
  check(tree, fileId) {
    inodeEntry(tree, fileId);
  },
  open(ctx, fileId) {
    const m = fileEntry(ctx.tree, fileId, 'MEMFD')['memfd'];
    return reopen(ctx, fileId, Number(m['flags']), BigInt(m['pos'] ?? 0));
  },
  reopen: (ctx, fileId, flags) => reopen(ctx, fileId, flags, 0n),
};
