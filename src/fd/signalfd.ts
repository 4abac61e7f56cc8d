// signalfd: its signal mask (fdinfo "sigmask", hex) and file flags; restore makes a new one
// on that mask. Pending signals are the task's, restored with it.
import { signalfd as signalfdCreate } from '../sys/anon-fd.js';
import { O_CLOEXEC, O_NONBLOCK } from '../sys/fcntl.js';
import { fileEntry } from '../restore/task-images.js';
import { noOwner } from './file-table.js';
import type { FdKind } from './kind.js';

export const signalfd: FdKind = {
  type: 'SIGNALFD',
  dump: {
    matches: (fd) => fd.link === 'anon_inode:[signalfd]',
    dump(fd, { files }) {
      const mask = fd.info.extra.get('sigmask');
      if (mask === undefined) throw fd.unsupported('a signalfd without sigmask in fdinfo');
      return files.shared(fd.fileKey, (id) =>
        files.add('SIGNALFD', 'sgfd', id, { flags: fd.flags, fown: noOwner(), sigmask: BigInt(`0x${mask}`) }));
    },
  },
  restore: {
    check(tree, fileId) {
      fileEntry(tree, fileId, 'SIGNALFD');
    },
    open(ctx, fileId) {
      const sgfd = fileEntry(ctx.tree, fileId, 'SIGNALFD').sgfd;
      const fd = signalfdCreate(sgfd.sigmask, (sgfd.flags & O_NONBLOCK) | O_CLOEXEC);
      ctx.opened.push(fd);
      return fd;
    },
  },
};
