// pidfds. One of a task of the tree (or of one of its threads, PIDFD_THREAD) keeps the pid
// it names (fdinfo's NSpid); restore can open it only once that task exists, so it is a late
// file (kind.ts): the tasks start with a placeholder at its number and take the pidfd from
// us when the whole tree is there. One of a process already reaped (NSpid -1) comes back
// as a pidfd of a process that dies and is reaped at once; pidfds that named one dead
// process (one pidfs inode) name one again. Pidfds of processes outside the tree are refused.
import fs from 'node:fs';
import type { PidfdEntry } from '../images/entries.js';
import { fileEntry, type TreeImages } from '../restore/task-images.js';
import { O_CLOEXEC, O_EXCL, O_NONBLOCK, O_RDONLY, O_RDWR } from '../sys/fcntl.js';
import { deadPidfds, pidfdOpen } from '../sys/proc-ops.js';
import { isSysError } from '../sys/native.js';
import { noOwner } from './file-table.js';
import type { FdKind, OpenContext } from './kind.js';

/** The flags pidfd_open takes: PIDFD_NONBLOCK and PIDFD_THREAD. */
const PIDFD_FLAGS = O_NONBLOCK | O_EXCL;
const DEAD = -1;

const nspidOf = (value: string | undefined): number | undefined => {
  const last = value?.trim().split(/\s+/).pop();
  return last !== undefined && /^-?\d+$/.test(last) ? Number(last) : undefined;
};

/** Every pid and tid of the images: what a pidfd may name. */
function membersOf(tree: TreeImages): Set<number> {
  return new Set([...tree.tasks.flatMap((t) => [t.pid, ...t.threads]), ...tree.zombies.map((z) => z.pid)]);
}

/** Opens every pidfd of the images that named the dead process of `ino`, as one such process's. */
function openDead(ctx: OpenContext, ino: number): void {
  const ids = [...ctx.tree.files.values()].filter((f) => f.type === 'PIDFD' && f.pidfd?.nspid === DEAD && f.pidfd.ino === ino).map((f) => f.id);
  const fds = deadPidfds(ids.map((id) => fileEntry(ctx.tree, id, 'PIDFD').pidfd.flags & PIDFD_FLAGS));
  ids.forEach((id, i) => {
    ctx.opened.push(fds[i]!);
    ctx.state.set(`pidfd-dead:${id}`, fds[i]);
  });
}

function openLive(ctx: OpenContext, e: PidfdEntry): number {
  const placeholder = fs.openSync('/dev/null', O_RDONLY | O_CLOEXEC);
  const zombie = ctx.tree.zombies.some((z) => z.pid === e.nspid);
  const flags = e.flags & PIDFD_FLAGS;
  ctx.late.push({
    placeholder,
    what: `a pidfd of ${e.nspid}`,
    open() {
      try {
        return pidfdOpen(e.nspid, flags);
      } catch (err) {
        // A zombie reaped by its restored parent by now: its pidfd would name a dead process.
        if (zombie && isSysError(err, 'ESRCH')) return deadPidfds([flags])[0]!;
        throw err;
      }
    },
  });
  return placeholder;
}

export const pidfd: FdKind = {
  type: 'PIDFD',
  dump: {
    matches: (fd) => fd.link === 'anon_inode:[pidfd]' || fd.link.startsWith('pidfd:'),
    dump(fd, { files, inTree }) {
      const nspid = nspidOf(fd.info.extra.get('NSpid'));
      if (nspid === undefined) throw fd.unsupported('a pidfd without NSpid in fdinfo');
      if (nspid !== DEAD && !inTree(nspid)) throw fd.unsupported(`a pidfd of ${nspid}, a process outside the dumped tree,`);
      return files.shared(fd.fileKey, (id) =>
        files.add('PIDFD', 'pidfd', id, { ino: fd.info.ino, flags: fd.flags & ~O_RDWR, nspid, fown: noOwner() }));
    },
  },
  restore: {
    check(tree, fileId) {
      const e = fileEntry(tree, fileId, 'PIDFD').pidfd;
      if (e.flags & ~(PIDFD_FLAGS | O_RDWR)) throw new Error(`criu-ts: pidfd ${fileId} has flags 0${e.flags.toString(8)}, which pidfd_open does not take`);
      if (e.nspid !== DEAD && !membersOf(tree).has(e.nspid)) throw new Error(`criu-ts: pidfd ${fileId} names pid ${e.nspid}, which is not a task of the images`);
    },
    open(ctx, fileId) {
      const e = fileEntry(ctx.tree, fileId, 'PIDFD').pidfd;
      if (e.nspid !== DEAD) return openLive(ctx, e);
      if (!ctx.state.has(`pidfd-dead:${fileId}`)) openDead(ctx, e.ino);
      return ctx.state.get(`pidfd-dead:${fileId}`) as number;
    },
  },
};
