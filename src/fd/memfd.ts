// memfd files, as CRIU keeps them: each memfd inode once in memfd.img (name, owner, size,
// seals, mode), its contents as shared memory pages (pagemap-shmem-<ino>.img, offsets as
// addresses), and per open file or mapping a MEMFD file entry naming the inode. Restore
// makes each inode once for the tree (name, size, contents from its pagemap-shmem pages,
// owner, mode, then its seals), and every MEMFD file (an fd, or the file behind a mapping)
// is a fresh open of it through /proc/self/fd, as a plain REG file.
import fs from 'node:fs';
import path from 'node:path';
import { ImageError, readImage, writeImage } from '../images/index.js';
import type { MemfdInodeEntry } from '../images/entries.js';
import { PAGE_SIZE, PageWriter } from '../dump/page-writer.js';
import { F_ADD_SEALS, F_GET_SEALS, F_SEAL_FUTURE_WRITE, F_SEAL_SEAL } from '../sys/fcntl.js';
import { MFD_ALLOW_SEALING, MFD_CLOEXEC } from '../sys/mman.js';
import { fcntl, memfdCreate } from '../sys/proc-ops.js';
import { fillSharedMemory } from '../restore/shmem.js';
import { fileEntry, type TreeImages } from '../restore/task-images.js';
import { noOwner, type FileTable } from './file-table.js';
import type { FdKind, FinishContext, KindDumpState, OpenContext } from './kind.js';
import { openReg } from './reg-file.js';


interface MemfdInode {
  id: number;
  /** Our own read-only open of the memfd, to read its pages at the end of the dump. */
  fd: number;
  ino: number;
  size: number;
  entry: MemfdInodeEntry;
}

/** The memfd inodes of one dump, named by MEMFD entries of fds and of mappings. */
export class Memfds implements KindDumpState {
  private readonly inodes = new Map<number, MemfdInode>();

  /**
   * The memfd.img id of the memfd reachable at openPath (/proc/PID/fd/N or a map_files
   * link), whose /proc name is link ("/memfd:NAME (deleted)").
   */
  inodeOf(openPath: string, link: string): number {
    const st = fs.statSync(openPath);
    let inode = this.inodes.get(st.ino);
    if (!inode) {
      const fd = fs.openSync(openPath, 'r');
      const name = link.replace(/^\/memfd:/, '').replace(/ \(deleted\)$/, '');
      const entry: MemfdInodeEntry = {
        name, uid: st.uid, gid: st.gid, size: BigInt(st.size), shmid: st.ino, seals: fcntl(fd, F_GET_SEALS),
        inode_id: BigInt(this.inodes.size + 1), mode: st.mode,
      };
      inode = { id: this.inodes.size + 1, fd, ino: st.ino, size: st.size, entry };
      this.inodes.set(st.ino, inode);
    }
    return inode.id;
  }

  /** A MEMFD file entry (for an fd or a mapping) opened with flags at pos. */
  fileEntry(files: FileTable, key: string, inodeId: number, flags: number, pos: bigint): number {
    return files.shared(key, (id) => files.add('MEMFD', 'memfd', id, { flags, pos, fown: noOwner(), inode_id: inodeId }));
  }

  /** memfd.img and each inode's pages. */
  finish(out: FinishContext): void {
    if (this.inodes.size === 0) return;
    writeImage(out.dir, 'memfd.img', 'memfd', [...this.inodes.values()].map((i) => i.entry));
    for (const inode of this.inodes.values()) {
      const id = out.nextPagesId();
      const writer = new PageWriter(path.join(out.dir, `pages-${id}.img`));
      try {
        writer.add({ fd: inode.fd }, 0, Math.ceil(inode.size / PAGE_SIZE), true);
      } finally {
        writer.close();
      }
      writeImage(out.dir, `pagemap-shmem-${inode.ino}.img`, 'pagemap', [{ pages_id: id }, ...writer.pagemap]);
      out.addStats(writer.stats);
    }
  }

  /** Closes our opens of the memfds. */
  close(): void {
    for (const i of this.inodes.values()) fs.closeSync(i.fd);
    this.inodes.clear();
  }
}

const cache = new WeakMap<TreeImages, Map<number, MemfdInodeEntry>>();

/** Whether a memfd of the images has a seal that waits for the tasks' mappings (every task then waits for it). */
export const hasLateSeals = (tree: TreeImages): boolean =>
  fs.existsSync(path.join(tree.dir, 'memfd.img')) && [...inodesOf(tree).values()].some((i) => (i.seals ?? 0) & F_SEAL_FUTURE_WRITE);

/** memfd.img entries by inode_id. */
function inodesOf(tree: TreeImages): Map<number, MemfdInodeEntry> {
  let m = cache.get(tree);
  if (!m) {
    m = new Map(readImage(tree.dir, 'memfd.img', 'memfd').entries.map((e) => [Number(e.inode_id), e]));
    cache.set(tree, m);
  }
  return m;
}

function inodeEntry(tree: TreeImages, fileId: number): MemfdInodeEntry {
  const id = fileEntry(tree, fileId, 'MEMFD').memfd.inode_id;
  const inode = inodesOf(tree).get(id);
  if (!inode) throw new ImageError('memfd.img', 0, `memfd inode ${id} (of file ${fileId})`);
  return inode;
}

/** The memfd of inode, created and filled the first time. */
function memfdOf(ctx: OpenContext, inode: MemfdInodeEntry): number {
  const key = `memfd-inode:${inode.inode_id}`;
  const known = ctx.state.get(key) as number | undefined;
  if (known !== undefined) return known;
  const fd = memfdCreate(inode.name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
  ctx.opened.push(fd);
  const size = Number(inode.size);
  if (!Number.isSafeInteger(size) || size < 0) throw new ImageError('memfd.img', 0, `a file size for memfd inode ${inode.inode_id}, found ${inode.size}`);
  // Pages are whole: the last one is filled up to its end, then cut back to the size.
  const pagesEnd = Math.ceil(size / PAGE_SIZE) * PAGE_SIZE;
  fs.ftruncateSync(fd, pagesEnd);
  const shmid = BigInt(inode.shmid);
  const pages = ctx.tree.shmem.get(shmid);
  if (pages) fillSharedMemory(fd, BigInt(pagesEnd), shmid, ctx.tree.dir, pages);
  fs.ftruncateSync(fd, size);
  fs.fchownSync(fd, inode.uid, inode.gid);
  if (inode.mode !== undefined) fs.fchmodSync(fd, inode.mode & 0o7777);
  // Last: a seal may forbid the writes and resizes above. F_SEAL_FUTURE_WRITE forbids the
  // tasks' writable shared mappings too, made later: it comes once they are (late-files.ts),
  // and F_SEAL_SEAL with it, which would forbid adding it then.
  const seals = inode.seals ?? 0;
  const late = seals & F_SEAL_FUTURE_WRITE ? seals & (F_SEAL_FUTURE_WRITE | F_SEAL_SEAL) : 0;
  if (seals & ~late) fcntl(fd, F_ADD_SEALS, seals & ~late);
  if (late) {
    const again = fs.openSync(`/proc/self/fd/${fd}`, 'r+');
    ctx.lateSteps.push({ run: () => fcntl(again, F_ADD_SEALS, late), close: () => fs.closeSync(again) });
  }
  ctx.state.set(key, fd);
  return fd;
}

/** A new open file of fileId's memfd with these flags at pos. */
function reopen(ctx: OpenContext, fileId: number, flags: number, pos: bigint): number {
  const memfd = memfdOf(ctx, inodeEntry(ctx.tree, fileId));
  return openReg(ctx, { name: `/proc/self/fd/${memfd}`, flags, pos });
}

export const memfd: FdKind<Memfds> = {
  type: 'MEMFD',
  newState: () => new Memfds(),
  dump: {
    matches: (fd) => fd.link.startsWith('/memfd:'),
    dump(fd, { files, state }) {
      const inodeId = state.inodeOf(`/proc/${fd.pid}/fd/${fd.fd}`, fd.link);
      return state.fileEntry(files, fd.fileKey, inodeId, fd.flags, fd.info.pos);
    },
  },
  restore: {
    check(tree, fileId) {
      inodeEntry(tree, fileId);
    },
    open(ctx, fileId) {
      const m = fileEntry(ctx.tree, fileId, 'MEMFD').memfd;
      return reopen(ctx, fileId, m.flags, m.pos);
    },
    reopen: (ctx, fileId, flags) => reopen(ctx, fileId, flags, 0n),
  },
};
