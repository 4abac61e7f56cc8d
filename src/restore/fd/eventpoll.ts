// epoll: created empty when the task's files are opened; its targets are registered once
// all of them are open, under the fd numbers the task had (the kernel keys an epoll item
// by file and fd number, and the task will use those numbers for EPOLL_CTL_MOD/DEL). See
// epollAddAt in native/src/anon-fd.cc for how a number busy in this process is used.
import type { Entry } from '../../images/index.js';
import { epollAddAt, epollCreate } from '../../sys/anon-fd.js';
import { O_CLOEXEC } from '../../sys/proc-ops.js';
import { fileEntry } from '../task-images.js';
import type { FdKind } from './kinds.js';

const targetsOf = (epfd: Entry): Entry[] => (epfd['tfd'] ?? []) as Entry[];

export const eventpollFile: FdKind = {
  type: 'EVENTPOLL',
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
    const epfd = fileEntry(ctx.tree, fileId, 'EVENTPOLL')['epfd'];
    const targets = targetsOf(epfd).map((t) => {
      const target = taskFds.get(t['tfd']);
      if (target === undefined) throw new Error(`criu-ts: epoll (file ${fileId}) watches fd ${t['tfd']}, which the task does not have`);
      return { source: target, fd: t['tfd'], events: Number(t['events']), data: BigInt(t['data']) };
    });
    if (targets.length > 0) epollAddAt(source, targets);
  },
};
