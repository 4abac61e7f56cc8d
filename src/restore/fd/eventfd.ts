// eventfd: created with its flags (and semaphore mode), then the counter written to it.
import fs from 'node:fs';
import { eventfd } from '../../sys/anon-fd.js';
import { writeU64 } from '../../sys/host-order.js';
import { O_CLOEXEC, O_NONBLOCK } from '../../sys/proc-ops.js';
import { fileEntry } from '../task-images.js';
import type { FdKind } from './kinds.js';

const EFD_SEMAPHORE = 1;

export const eventfdFile: FdKind = {
  type: 'EVENTFD',
  check(tree, fileId) {
    fileEntry(tree, fileId, 'EVENTFD');
  },
  open(ctx, fileId) {
    const efd = fileEntry(ctx.tree, fileId, 'EVENTFD')['efd'];
    const flags = Number(efd['flags']);
    const fd = eventfd((flags & (O_NONBLOCK | EFD_SEMAPHORE)) | O_CLOEXEC);
    ctx.opened.push(fd);
    const counter = BigInt(efd['counter'] ?? 0);
    if (counter !== 0n) {
      const buf = Buffer.alloc(8);
      writeU64(buf, counter);
      fs.writeSync(fd, buf);
    }
    return fd;
  },
};
