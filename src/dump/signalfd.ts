// signalfd: its signal mask (fdinfo "sigmask", hex) and file flags.
import { noOwner } from './file-table.js';
import type { FdDumper } from './files.js';

export const signalfd: FdDumper = {
  kind: 'SIGNALFD',
  matches: (fd) => fd.link === 'anon_inode:[signalfd]',
  dump(fd, files) {
    const mask = fd.info.extra.get('sigmask');
    if (mask === undefined) throw fd.unsupported('a signalfd without sigmask in fdinfo');
    return files.shared(fd.fileKey, (id) =>
      files.add('SIGNALFD', 'sgfd', id, { flags: fd.flags, fown: noOwner(), sigmask: BigInt(`0x${mask}`) }));
  },
};
