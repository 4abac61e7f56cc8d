// Shared anonymous memory: one object per shmid for the whole tree, created here with its
// dumped pages (pagemap-shmem-<shmid>.img, object offsets as addresses) and then mapped
// by every task that had it, from the fd, at the same offsets.
import fs from 'node:fs';
import path from 'node:path';
import { ImageError } from '../images/index.js';
import { shmemCreate } from '../sys/restore.js';
import type { OpenContext } from '../fd/kind.js';
import { PAGE_SIZE } from './memory.js';
import type { TaskPlan } from './plan.js';
import type { SharedMemoryPages } from './task-images.js';

const CHUNK = 8 << 20;

/** Creates and fills every object the plans map; returns the fd of each by shmid. */
export function createSharedMemory(plans: TaskPlan[], ctx: OpenContext): Map<bigint, number> {
  const sizes = new Map<bigint, bigint>();
  for (const v of plans.flatMap((p) => p.memory.vmas)) {
    if (v.shmem === undefined) continue;
    const end = v.pgoff + v.end - v.start;
    if (end > (sizes.get(v.shmem) ?? 0n)) sizes.set(v.shmem, end);
  }
  const fds = new Map<bigint, number>();
  for (const [shmid, size] of sizes) {
    const fd = shmemCreate(Number(size));
    ctx.opened.push(fd);
    fds.set(shmid, fd);
    const pages = ctx.tree.shmem.get(shmid);
    if (pages) fillSharedMemory(fd, size, shmid, ctx.tree.dir, pages);
  }
  return fds;
}

/** Writes an object's dumped pages (pages file + pagemap, offsets as addresses) into fd. */
export function fillSharedMemory(fd: number, size: bigint, shmid: bigint, dir: string, pages: SharedMemoryPages): void {
  const { pagemap } = pages;
  const pagesFile = path.join(dir, `pages-${pages.pagesId}.img`);
  const src = fs.openSync(pagesFile, 'r');
  // No bigger than the pages to copy (often one), and not zeroed: every byte used is read first.
  const total = pagemap.reduce((n, pe) => n + BigInt(pe.nr_pages ?? 0) * PAGE_SIZE, 0n);
  const buf = Buffer.allocUnsafe(Number(total < BigInt(CHUNK) ? total : BigInt(CHUNK)) || 1);
  try {
    let off = 0;
    for (const pe of pagemap) {
      const at = BigInt(pe.vaddr);
      const len = Number(BigInt(pe.nr_pages ?? 0) * PAGE_SIZE);
      if (at + BigInt(len) > size) throw new ImageError(`pagemap-shmem-${shmid}.img`, 0, `pages within the ${size}-byte object`);
      for (let done = 0; done < len; ) {
        const n = fs.readSync(src, buf, 0, Math.min(CHUNK, len - done), off + done);
        if (n === 0) throw new ImageError(path.basename(pagesFile), off + done, `${len - done} more bytes`);
        fs.writeSync(fd, buf, 0, n, Number(at) + done);
        done += n;
      }
      off += len;
    }
  } finally {
    fs.closeSync(src);
  }
}
