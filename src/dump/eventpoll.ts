// epoll: its flags and every watched target (fdinfo "tfd:" lines): the target's fd number
// in the task, the event mask and the user data. Restore registers the targets under the
// same numbers, so a target must still be open at its number (not closed or moved).
import fs from 'node:fs';
import type { Entry } from '../images/index.js';
import { fdInfoRecords } from '../proc/fdinfo.js';
import { kcmpEpollTarget } from '../sys/anon-fd.js';
import { noOwner } from './file-table.js';
import type { FdDumper, OpenFd } from './files.js';

function targets(fd: OpenFd): Entry[] {
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

export const eventpoll: FdDumper = {
  kind: 'EVENTPOLL',
  matches: (fd) => fd.link === 'anon_inode:[eventpoll]',
  dump(fd, files) {
    return files.shared(fd.fileKey, (id) => files.add('EVENTPOLL', 'epfd', id, { flags: fd.flags, fown: noOwner(), tfd: targets(fd) }));
  },
};
