// memfd files, as CRIU keeps them: each memfd inode once in memfd.img (name, owner, size,
// seals, mode), its contents as shared memory pages (pagemap-shmem-<ino>.img, offsets as
// addresses), and per open file or mapping a MEMFD file entry naming the inode.
import fs from 'node:fs';
import path from 'node:path';
import type { Entry } from '../images/index.js';
import { fcntl } from '../sys/proc-ops.js';
import { noOwner, type FileTable } from './file-table.js';
import type { FdDumper } from './files.js';
import { PAGE_SIZE, PageWriter, type MemoryStats } from './page-writer.js';

const F_GET_SEALS = 1034;

interface MemfdInode {
  id: number;
  /** Our own read-only open of the memfd, to read its pages at the end of the dump. */
  fd: number;
  ino: number;
  size: number;
  entry: Entry;
}

export class Memfds {
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
      const entry: Entry = {
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

  /** Writes memfd.img and each inode's pages; pagesId() names each pages file. */
  write(dir: string, pagesId: () => number, writeImage: (file: string, kind: string, entries: Entry[]) => void): MemoryStats[] {
    const stats: MemoryStats[] = [];
    if (this.inodes.size === 0) return stats;
    writeImage('memfd.img', 'memfd', [...this.inodes.values()].map((i) => i.entry));
    for (const inode of this.inodes.values()) {
      const id = pagesId();
      const writer = new PageWriter(path.join(dir, `pages-${id}.img`));
      try {
        writer.add({ fd: inode.fd }, 0, Math.ceil(inode.size / PAGE_SIZE), true);
      } finally {
        writer.close();
      }
      writeImage(`pagemap-shmem-${inode.ino}.img`, 'pagemap', [{ pages_id: id }, ...writer.pagemap]);
      stats.push(writer.stats);
    }
    return stats;
  }

  /** Closes our opens of the memfds. */
  close(): void {
    for (const i of this.inodes.values()) fs.closeSync(i.fd);
    this.inodes.clear();
  }
}

export const memfd: FdDumper = {
  kind: 'MEMFD',
  matches: (fd) => fd.link.startsWith('/memfd:'),
  dump(fd, files) {
    const inodeId = files.memfds.inodeOf(`/proc/${fd.pid}/fd/${fd.fd}`, fd.link);
    return files.memfds.fileEntry(files, fd.fileKey, inodeId, fd.flags, fd.info.pos);
  },
};
