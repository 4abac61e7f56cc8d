// Named pipes: a FIFO entry naming the pipe inode and a REG entry for its path; unread
// bytes go to fifo-data.img, read without consuming them as for pipes.
import type { FdDumper } from './files.js';
import { savePipeData } from './pipe.js';

export const fifo: FdDumper = {
  kind: 'FIFO',
  matches: (fd) => fd.link.startsWith('/') && fd.stat().isFIFO(),
  dump(fd, files, state) {
    if (fd.link.endsWith(' (deleted)')) throw fd.unsupported('an unlinked FIFO');
    const regfId = files.pathFile(fd.link, fd.flags, `/proc/${fd.pid}/fd/${fd.fd}`);
    return files.shared(fd.fileKey, (id) => {
      files.add('FIFO', 'fifo', id, { pipe_id: fd.info.ino, regf_id: regfId });
      savePipeData(fd, state.fifosSeen, state.fifoData);
    });
  },
};
