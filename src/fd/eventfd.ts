// eventfd: the 64-bit counter and the file flags, from fdinfo. The semaphore mode is not
// a file flag; it is kept as EFD_SEMAPHORE (bit 0, free since an eventfd is always O_RDWR).
// Kernels before 6.3 leave it out of fdinfo, and there it is lost (check --feature eventfd-semaphore).
// Restore creates it with its flags (and semaphore mode), then writes the counter to it.
import fs from 'node:fs';
import { eventfd as eventfdCreate, EFD_SEMAPHORE } from '../sys/anon-fd.js';
import { O_CLOEXEC, O_NONBLOCK } from '../sys/fcntl.js';
import { writeU64 } from '../sys/host-order.js';
import { fileEntry } from '../restore/task-images.js';
import { noOwner } from './file-table.js';
import type { FdKind } from './kind.js';

export const eventfd: FdKind = {
  type: 'EVENTFD',
  dump: {
    matches: (fd) => fd.link === 'anon_inode:[eventfd]',
    dump(fd, { files }) {
      const count = fd.info.extra.get('eventfd-count');
      if (count === undefined) throw fd.unsupported('an eventfd without eventfd-count in fdinfo');
      const semaphore = fd.info.extra.get('eventfd-semaphore') === '1' ? EFD_SEMAPHORE : 0;
      return files.shared(fd.fileKey, (id) =>
        files.add('EVENTFD', 'efd', id, { flags: fd.flags | semaphore, fown: noOwner(), counter: BigInt(`0x${count}`) }));
    },
  },
  restore: {
    check(tree, fileId) {
      fileEntry(tree, fileId, 'EVENTFD');
    },
    open(ctx, fileId) {
      const efd = fileEntry(ctx.tree, fileId, 'EVENTFD').efd;
      const flags = efd.flags;
      const fd = eventfdCreate((flags & (O_NONBLOCK | EFD_SEMAPHORE)) | O_CLOEXEC);
      ctx.opened.push(fd);
      const counter = efd.counter;
      if (counter !== 0n) {
        const buf = Buffer.alloc(8);
        writeU64(buf, counter);
        fs.writeSync(fd, buf);
      }
      return fd;
    },
  },
};
