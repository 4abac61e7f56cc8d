// signalfd: a new one on the dumped mask. Pending signals are the task's, restored with it.
import { signalfd } from '../../sys/anon-fd.js';
import { O_CLOEXEC, O_NONBLOCK } from '../../sys/proc-ops.js';
import { fileEntry } from '../task-images.js';
import type { FdKind } from './kinds.js';

export const signalfdFile: FdKind = {
  type: 'SIGNALFD',
  check(tree, fileId) {
    fileEntry(tree, fileId, 'SIGNALFD');
  },
  open(ctx, fileId) {
    const sgfd = fileEntry(ctx.tree, fileId, 'SIGNALFD')['sgfd'];
    const fd = signalfd(BigInt(sgfd['sigmask']), (Number(sgfd['flags']) & O_NONBLOCK) | O_CLOEXEC);
    ctx.opened.push(fd);
    return fd;
  },
};
