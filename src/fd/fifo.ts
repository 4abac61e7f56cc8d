// Named pipes: a FIFO entry naming the pipe inode and a REG entry for its path; unread
// bytes go to fifo-data.img, read without consuming them as for pipes. Restore reopens
// them by path. One read-write description per FIFO is opened first, non-blocking: it
// sets the size, refills the unread data and is the other end that lets the dumped read-only or
// write-only opens go through without blocking; the data stays while the task holds its end.
import fs from 'node:fs';
import { ImageError } from '../images/index.js';
import { O_NONBLOCK, O_RDWR } from '../sys/fcntl.js';
import { usablePath } from '../restore/beneath.js';
import { fileEntry, type TreeImages } from '../restore/task-images.js';
import type { FdKind, OpenContext } from './kind.js';
import { PipeData, refillPipe } from './pipe.js';

function pathOf(tree: TreeImages, fileId: number): { name: string; flags: number; pipeId: number } {
  const fifo = fileEntry(tree, fileId, 'FIFO').fifo;
  if (fifo.regf_id === undefined) throw new ImageError('files.img', 0, `FIFO ${fileId} with the regf_id of its path`);
  const reg = fileEntry(tree, fifo.regf_id, 'REG').reg;
  return { name: usablePath(reg.name), flags: reg.flags, pipeId: fifo.pipe_id };
}

function keeper(ctx: OpenContext, name: string, pipeId: number): number {
  const key = `fifo:${pipeId}`;
  let fd = ctx.state.get(key) as number | undefined;
  if (fd === undefined) {
    fd = fs.openSync(name, O_RDWR | O_NONBLOCK);
    ctx.opened.push(fd);
    ctx.state.set(key, fd);
    refillPipe(fd, ctx.tree.fifoData.get(pipeId), `FIFO ${name}`);
  }
  return fd;
}

export const fifo: FdKind<PipeData> = {
  type: 'FIFO',
  newState: () => new PipeData('fifo-data'),
  dump: {
    matches: (fd) => fd.link.startsWith('/') && fd.stat().isFIFO(),
    dump(fd, { files, state }) {
      if (fd.link.endsWith(' (deleted)')) throw fd.unsupported('an unlinked FIFO');
      const regfId = files.pathFile(fd.link, fd.flags, `/proc/${fd.pid}/fd/${fd.fd}`);
      return files.shared(fd.fileKey, (id) => {
        files.add('FIFO', 'fifo', id, { pipe_id: fd.info.ino, regf_id: regfId });
        state.save(fd);
      });
    },
  },
  restore: {
    check(tree, fileId) {
      const { name } = pathOf(tree, fileId);
      if (!fs.statSync(name, { throwIfNoEntry: false })?.isFIFO()) throw new Error(`criu-ts: named pipe ${name} (file ${fileId}) is missing`);
    },
    open(ctx, fileId) {
      const { name, flags, pipeId } = pathOf(ctx.tree, fileId);
      keeper(ctx, name, pipeId);
      const fd = fs.openSync(name, flags);
      ctx.opened.push(fd);
      return fd;
    },
  },
};
