// Pipes: each end is a PIPE file entry naming the pipe's inode; unread bytes go to
// pipes-data.img once per pipe. They are read without consuming them: tee(2) from a
// borrowed read end into a pipe of ours, then read from ours.
import fs from 'node:fs';
import type { Entry } from '../images/index.js';
import { isSysError } from '../sys/native.js';
import { fcntl, F_GETPIPE_SZ, F_SETPIPE_SZ, O_CLOEXEC, O_NONBLOCK, pidfdGetfd, pidfdOpen, pipe2, SPLICE_F_NONBLOCK, tee } from '../sys/proc-ops.js';
import { noOwner } from './file-table.js';
import type { FdDumper, OpenFd } from './files.js';

const O_ACCMODE = 3;
const O_WRONLY = 1;

/** Reads a pipe's queued bytes through fd (a read end of it) without consuming them. */
export function peekPipe(fd: number): { data: Buffer; size: number } {
  const size = fcntl(fd, F_GETPIPE_SZ);
  const [r, w] = pipe2(O_NONBLOCK | O_CLOEXEC);
  try {
    if (fcntl(w, F_GETPIPE_SZ) < size) fcntl(w, F_SETPIPE_SZ, size);
    let n = 0;
    try {
      n = tee(fd, w, size, SPLICE_F_NONBLOCK);
    } catch (e) {
      if (!isSysError(e, 'EAGAIN')) throw e; // EAGAIN: the pipe is empty
    }
    const data = Buffer.alloc(n);
    let got = 0;
    while (got < n) got += fs.readSync(r, data, got, n - got, null);
    return { data, size };
  } finally {
    fs.closeSync(r);
    fs.closeSync(w);
  }
}

/** A read end of the pipe (or FIFO) behind fd: the fd itself if it reads, else a fresh open of it. */
export function borrowReadEnd(fd: OpenFd): number {
  if ((fd.flags & O_ACCMODE) !== O_WRONLY) {
    const pidfd = pidfdOpen(fd.pid);
    try {
      return pidfdGetfd(pidfd, fd.fd);
    } finally {
      fs.closeSync(pidfd);
    }
  }
  // Opening /proc/PID/fd/N of a pipe opens the pipe itself (as for a FIFO).
  return fs.openSync(`/proc/${fd.pid}/fd/${fd.fd}`, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
}

export const pipe: FdDumper = {
  kind: 'PIPE',
  matches: (fd) => fd.link.startsWith('pipe:['),
  dump(fd, files, extra) {
    const pipeId = fd.info.ino;
    return files.shared(fd.fileKey, (id) => {
      files.add('PIPE', 'pipe', id, { pipe_id: pipeId, flags: fd.flags, fown: noOwner() });
      savePipeData(fd, extra.pipesSeen, extra.pipeData);
    });
  },
};

/** Adds the unread bytes of fd's pipe to `data`, once per pipe inode. */
export function savePipeData(fd: OpenFd, seen: Set<number>, data: { entry: Entry; payload: Buffer }[]): void {
  const pipeId = fd.info.ino;
  if (seen.has(pipeId)) return;
  seen.add(pipeId);
  const borrowed = borrowReadEnd(fd);
  try {
    const { data: bytes, size } = peekPipe(borrowed);
    if (bytes.length) data.push({ entry: { pipe_id: pipeId, bytes: bytes.length, size }, payload: bytes });
  } finally {
    fs.closeSync(borrowed);
  }
}
