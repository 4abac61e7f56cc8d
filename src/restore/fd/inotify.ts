// inotify: a new instance whose watches get their old descriptors back. The kernel hands
// out watch descriptors in increasing order, so a watch is added, and removed again while
// its descriptor is below the dumped one; the removals' IN_IGNORED events are then
// drained, since the task never saw them.
import fs from 'node:fs';
import type { Entry } from '../../images/index.js';
import { inotifyAddWatch, inotifyInit, inotifyRmWatch } from '../../sys/anon-fd.js';
import { isSysError } from '../../sys/native.js';
import { fcntl, F_GETFL, O_CLOEXEC, O_NONBLOCK } from '../../sys/proc-ops.js';
import { fileEntry } from '../task-images.js';
import type { FdKind } from './kinds.js';

const F_SETFL = 4;

function watchesOf(ify: Entry): Entry[] {
  return [...((ify['wd'] ?? []) as Entry[])].sort((a, b) => a['wd'] - b['wd']);
}

const pathOf = (w: Entry): string | undefined => w['f_handle']?.['path'];

/** Adds a watch on path that gets descriptor wd; returns how many were removed on the way. */
function addWatchAs(fd: number, path: string, mask: number, wd: number): number {
  for (let removed = 0; ; removed++) {
    const got = inotifyAddWatch(fd, path, mask);
    if (got === wd) return removed;
    if (got > wd) throw new Error(`criu-ts: inotify watch on ${path} got descriptor ${got}, past the dumped ${wd}`);
    inotifyRmWatch(fd, got);
  }
}

function drain(fd: number): void {
  const flags = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  const buf = Buffer.alloc(4096);
  try {
    for (;;) fs.readSync(fd, buf);
  } catch (e) {
    if (!isSysError(e, 'EAGAIN') && (e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
  }
  fcntl(fd, F_SETFL, flags);
}

export const inotifyFile: FdKind = {
  type: 'INOTIFY',
  check(tree, fileId) {
    for (const w of watchesOf(fileEntry(tree, fileId, 'INOTIFY')['ify'])) {
      const p = pathOf(w);
      if (p === undefined) throw new Error(`criu-ts: inotify watch ${w['wd']} (file ${fileId}) has no path; watches by file handle alone are not supported`);
      if (!fs.existsSync(p)) throw new Error(`criu-ts: inotify watch ${w['wd']} is on ${p}, which is missing`);
    }
  },
  open(ctx, fileId) {
    const ify = fileEntry(ctx.tree, fileId, 'INOTIFY')['ify'];
    const fd = inotifyInit((Number(ify['flags']) & O_NONBLOCK) | O_CLOEXEC);
    ctx.opened.push(fd);
    let removed = 0;
    for (const w of watchesOf(ify)) removed += addWatchAs(fd, pathOf(w)!, Number(w['mask']), w['wd']);
    if (removed > 0) drain(fd);
    return fd;
  },
};
