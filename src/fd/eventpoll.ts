// epoll: its flags and every watched target (fdinfo "tfd:" lines): the target's fd number
// in the task, the event mask and the user data. Restore creates it empty with the task's
// other files and registers the targets once all of them are open, under the fd numbers
// the task had (the kernel keys an epoll item by file and fd number, and the task will use
// those numbers for EPOLL_CTL_MOD/DEL); so a target must still be open at its number (not
// closed or moved) when dumped. See epollAddAt in native/src/anon-fd.cc for how a number
// busy in this process is used. A signalfd wakes the epolls of whoever added it (through
// the adder's signal queue), and a late file (a pidfd) is not open yet: those targets the
// restored task adds itself (kind.ts TaskEpollItem).
import fs from 'node:fs';
import type { EventpollFileEntry, EventpollTfdEntry } from '../images/entries.js';
import { fdInfoRecords } from '../proc/fdinfo.js';
import { epollAddAt, epollCreate, kcmpEpollTarget } from '../sys/anon-fd.js';
import { O_CLOEXEC } from '../sys/fcntl.js';
import { fileEntry } from '../restore/task-images.js';
import { noOwner } from './file-table.js';
import type { FdKind, OpenFd } from './kind.js';

function targets(fd: OpenFd): EventpollTfdEntry[] {
  const text = fs.readFileSync(`/proc/${fd.pid}/fdinfo/${fd.fd}`, 'utf8');
  return fdInfoRecords(text, 'tfd:').map((r) => {
    const tfd = Number(r.get('tfd'));
    const inode = BigInt(`0x${r.get('ino') ?? '0'}`);
    // Anon inodes share one inode number: kcmp tells whether the fd is still the very file.
    if (!kcmpEpollTarget(fd.pid, fd.fd, tfd, 0)) throw fd.unsupported(`an epoll whose target fd ${tfd} was closed or replaced`);
    return {
      id: 0,
      tfd,
      events: parseInt(r.get('events') ?? '0', 16),
      data: BigInt(`0x${r.get('data') ?? '0'}`),
      dev: parseInt(r.get('sdev') ?? '0', 16),
      inode,
      pos: BigInt(r.get('pos') ?? 0),
    };
  });
}

const targetsOf = (epfd: EventpollFileEntry): EventpollTfdEntry[] => epfd.tfd ?? [];

export const eventpoll: FdKind = {
  type: 'EVENTPOLL',
  dump: {
    matches: (fd) => fd.link === 'anon_inode:[eventpoll]',
    dump(fd, { files }) {
      return files.shared(fd.fileKey, (id) => files.add('EVENTPOLL', 'epfd', id, { flags: fd.flags, fown: noOwner(), tfd: targets(fd) }));
    },
  },
  restore: {
    check(tree, fileId) {
      fileEntry(tree, fileId, 'EVENTPOLL');
    },
    open(ctx) {
      const fd = epollCreate(O_CLOEXEC);
      ctx.opened.push(fd);
      return fd;
    },
    afterOpen(ctx, fileId, source, taskFds) {
      // An epoll shared by several tasks is filled once, from the first.
      const done = `epoll-filled:${fileId}`;
      if (ctx.state.has(done)) return;
      ctx.state.set(done, true);
      const epfd = fileEntry(ctx.tree, fileId, 'EVENTPOLL').epfd;
      const targets = targetsOf(epfd).map((t) => {
        const target = taskFds.get(t.tfd);
        if (target === undefined) throw new Error(`criu-ts: epoll (file ${fileId}) watches fd ${t.tfd}, which the task does not have`);
        return { source: target, fd: t.tfd, events: t.events, data: t.data };
      });
      const late = new Set(ctx.late.map((f) => f.placeholder));
      const byTask = (t: { source: number }): boolean => late.has(t.source) || fs.readlinkSync(`/proc/self/fd/${t.source}`) === 'anon_inode:[signalfd]';
      const here = targets.filter((t) => !byTask(t));
      if (here.length > 0) epollAddAt(source, here);
      const theirs = targets.filter(byTask);
      if (theirs.length === 0) return [];
      const number = [...taskFds].find(([, s]) => s === source)![0];
      return theirs.map((t) => ({ epfd: number, fd: t.fd, events: t.events, data: t.data }));
    },
  },
};
