// eventfd: the 64-bit counter and the file flags, from fdinfo. The semaphore mode is not
// a file flag; it is kept as EFD_SEMAPHORE (bit 0, free since an eventfd is always O_RDWR).
// Kernels before 6.3 leave it out of fdinfo, and there it is lost (check --feature eventfd-semaphore).
import { noOwner } from './file-table.js';
import type { FdDumper } from './files.js';

export const EFD_SEMAPHORE = 1;

export const eventfd: FdDumper = {
  kind: 'EVENTFD',
  matches: (fd) => fd.link === 'anon_inode:[eventfd]',
  dump(fd, files) {
    const count = fd.info.extra.get('eventfd-count');
    if (count === undefined) throw fd.unsupported('an eventfd without eventfd-count in fdinfo');
    const semaphore = fd.info.extra.get('eventfd-semaphore') === '1' ? EFD_SEMAPHORE : 0;
    return files.shared(fd.fileKey, (id) =>
      files.add('EVENTFD', 'efd', id, { flags: fd.flags | semaphore, fown: noOwner(), counter: BigInt(`0x${count}`) }));
  },
};
