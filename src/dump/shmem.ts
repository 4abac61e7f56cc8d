// Shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS, which /proc shows as "/dev/zero
// (deleted)"): one object per shmem inode, possibly mapped by several tasks of the tree at
// different addresses. Its pages are saved once, as CRIU does, in pagemap-shmem-<ino>.img
// with offsets in the object as addresses, from whichever task has each page mapped.
import path from 'node:path';
import type { EntriesOf } from '../images/index.js';
import { PAGE_SIZE, PageWriter, type MemoryStats } from './page-writer.js';

interface Source {
  pid: number;
  addr: number;
}

export class SharedAnonMemory {
  /** shmid -> page index in the object -> where a task has it mapped. */
  private readonly objects = new Map<bigint, Map<number, Source>>();

  /** Records the present pages ([addr, count] runs) of pid's mapping of object shmid at offset pgoff. */
  note(shmid: bigint, pid: number, vmaStart: number, pgoff: number, runs: [number, number][]): void {
    let pages = this.objects.get(shmid);
    if (!pages) this.objects.set(shmid, (pages = new Map()));
    for (const [addr, count] of runs) {
      for (let i = 0; i < count; i++) {
        const a = addr + i * PAGE_SIZE;
        const index = (pgoff + a - vmaStart) / PAGE_SIZE;
        if (!pages.has(index)) pages.set(index, { pid, addr: a });
      }
    }
  }

  /** Writes every object's pagemap-shmem and pages images; pagesId() names each pages file. */
  write(dir: string, pagesId: () => number, writePagemap: (file: string, entries: EntriesOf<'pagemap'>) => void): MemoryStats[] {
    const stats: MemoryStats[] = [];
    for (const [shmid, pages] of this.objects) {
      const id = pagesId();
      const writer = new PageWriter(path.join(dir, `pages-${id}.img`));
      try {
        for (const index of [...pages.keys()].sort((a, b) => a - b)) {
          const src = pages.get(index)!;
          writer.add({ pid: src.pid }, src.addr, 1, true, index * PAGE_SIZE);
        }
      } finally {
        writer.close();
      }
      writePagemap(`pagemap-shmem-${shmid}.img`, [{ pages_id: id }, ...writer.pagemap]);
      stats.push(writer.stats);
    }
    return stats;
  }
}
