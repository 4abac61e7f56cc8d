// inotify: every watch (fdinfo "inotify wd:" lines) with its mask and the file handle of
// the watched inode. The handle is also resolved to a path now (open_by_handle_at on the
// watch's filesystem), which restore uses to add the watch again. Restore makes a new
// instance whose watches get their old descriptors back: the kernel hands out watch
// descriptors in increasing order, so a watch is added, and removed again while its
// descriptor is below the dumped one; the removals' IN_IGNORED events are then drained,
// since the task never saw them.
import fs from 'node:fs';
import type { InotifyFileEntry, InotifyWdEntry } from '../images/entries.js';
import { fdInfoRecords } from '../proc/fdinfo.js';
import { inotifyAddWatch, inotifyInit, inotifyRmWatch } from '../sys/anon-fd.js';
import { fcntl } from '../sys/proc-ops.js';
import { F_GETFL, F_SETFL, O_CLOEXEC, O_NONBLOCK } from '../sys/fcntl.js';
import { isSysError } from '../sys/native.js';
import { fileEntry } from '../restore/task-images.js';
import { noOwner } from './file-table.js';
import type { FdKind, OpenFd } from './kind.js';
import { handleWords, hex, pathOf } from './file-handle.js';

function watches(fd: OpenFd): InotifyWdEntry[] {
  const text = fs.readFileSync(`/proc/${fd.pid}/fdinfo/${fd.fd}`, 'utf8');
  return fdInfoRecords(text, 'inotify ').map((r) => {
    const sdev = hex(r, 'sdev');
    const type = hex(r, 'fhandle-type');
    const handle = Buffer.from(r.get('f_handle') ?? '', 'hex').subarray(0, hex(r, 'fhandle-bytes'));
    const wd = Number(r.get('wd'));
    const path = pathOf(fd.pid, sdev, type, handle);
    if (path === undefined) throw fd.unsupported(`an inotify watch (wd ${wd}) on a file without a path`);
    return {
      id: 0,
      i_ino: BigInt(`0x${r.get('ino') ?? '0'}`),
      mask: hex(r, 'mask'),
      ignored_mask: hex(r, 'ignored_mask'),
      s_dev: sdev,
      wd,
      f_handle: { bytes: handle.length, type, handle: handleWords(handle), path },
    };
  });
}

function watchesOf(ify: InotifyFileEntry): InotifyWdEntry[] {
  return [...(ify.wd ?? [])].sort((a, b) => a.wd - b.wd);
}

const watchPath = (w: InotifyWdEntry): string | undefined => w.f_handle.path;

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

export const inotify: FdKind = {
  type: 'INOTIFY',
  dump: {
    matches: (fd) => fd.link === 'anon_inode:inotify',
    dump(fd, { files }) {
      return files.shared(fd.fileKey, (id) => files.add('INOTIFY', 'ify', id, { flags: fd.flags, fown: noOwner(), wd: watches(fd) }));
    },
  },
  restore: {
    check(tree, fileId) {
      for (const w of watchesOf(fileEntry(tree, fileId, 'INOTIFY').ify)) {
        const p = watchPath(w);
        if (p === undefined) throw new Error(`criu-ts: inotify watch ${w.wd} (file ${fileId}) has no path; watches by file handle alone are not supported`);
        if (!fs.existsSync(p)) throw new Error(`criu-ts: inotify watch ${w.wd} is on ${p}, which is missing`);
      }
    },
    open(ctx, fileId) {
      const ify = fileEntry(ctx.tree, fileId, 'INOTIFY').ify;
      const fd = inotifyInit((ify.flags & O_NONBLOCK) | O_CLOEXEC);
      ctx.opened.push(fd);
      let removed = 0;
      for (const w of watchesOf(ify)) removed += addWatchAs(fd, watchPath(w)!, w.mask, w.wd);
      if (removed > 0) drain(fd);
      return fd;
    },
  },
};
