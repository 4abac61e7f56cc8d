// Pipes: each end is a PIPE file entry naming the pipe's inode; unread bytes and the buffer
// size go to pipes-data.img once per pipe. They are read without consuming them: tee(2) from a
// borrowed read end into a pipe of ours, then read from ours. Restore makes one new pipe
// per dumped pipe_id, sized as it was and refilled with its unread data; each file id gets the end its access
// mode names (further ids of one end get their own description through /proc/self/fd, as
// they had their own before).
import fs from 'node:fs';
import { writeImage } from '../images/index.js';
import type { PipeDataEntry } from '../images/entries.js';
import { isSysError } from '../sys/native.js';
import { borrowFd, fcntl, pipe2, tee } from '../sys/proc-ops.js';
import { F_GETFL, F_GETPIPE_SZ, F_SETFL, F_SETPIPE_SZ, O_ACCMODE, O_CLOEXEC, O_NONBLOCK, O_RDONLY, O_WRONLY, SPLICE_F_NONBLOCK } from '../sys/fcntl.js';
import { fileEntry, type PipeContents } from '../restore/task-images.js';
import { noOwner } from './file-table.js';
import type { FdKind, KindDumpState, OpenContext, OpenFd } from './kind.js';

/**
 * Reads a pipe's queued bytes through fd (a read end of it) without consuming them. The copy
 * keeps the buffers' packet marks, so a read of it stops at each packet (packet mode):
 * `packets` holds their lengths when there are several.
 */
export function peekPipe(fd: number): { data: Buffer; size: number; packets?: number[] } {
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
    const reads: number[] = [];
    for (let got = 0; got < n; got += reads[reads.length - 1]!) reads.push(fs.readSync(r, data, got, n - got, null));
    return { data, size, ...(reads.length > 1 ? { packets: reads } : {}) };
  } finally {
    fs.closeSync(r);
    fs.closeSync(w);
  }
}

/** A read end of the pipe (or FIFO) behind fd: the fd itself if it reads, else a fresh open of it. */
export function borrowReadEnd(fd: OpenFd): number {
  if ((fd.flags & O_ACCMODE) !== O_WRONLY) return borrowFd(fd.pid, fd.fd);
  // Opening /proc/PID/fd/N of a pipe opens the pipe itself (as for a FIFO).
  return fs.openSync(`/proc/${fd.pid}/fd/${fd.fd}`, O_RDONLY | O_NONBLOCK);
}

/** The unread bytes of the pipes (or FIFOs) of a dump, once per pipe inode, for pipes-data.img (fifo-data.img). */
export class PipeData implements KindDumpState {
  private readonly seen = new Set<number>();
  private readonly entries: PipeDataEntry[] = [];
  private readonly payloads: Buffer[] = [];

  constructor(private readonly file: 'pipes-data' | 'fifo-data') {}

  /** Keeps what waits in fd's pipe, the first time that pipe is seen. */
  save(fd: OpenFd): void {
    const pipeId = fd.info.ino;
    if (this.seen.has(pipeId)) return;
    this.seen.add(pipeId);
    const borrowed = borrowReadEnd(fd);
    try {
      // Even an empty pipe has an entry: its size is state of its own.
      const { data, size, packets = [data.length] } = peekPipe(borrowed);
      // Several packets: an entry each (the format has no packets; CRIU reads one entry per pipe).
      let at = 0;
      for (const len of packets) {
        this.entries.push({ pipe_id: pipeId, bytes: len, size });
        this.payloads.push(data.subarray(at, (at += len)));
      }
    } finally {
      fs.closeSync(borrowed);
    }
  }

  finish({ dir }: { dir: string }): void {
    if (this.entries.length) writeImage(dir, `${this.file}.img`, this.file, this.entries, this.payloads);
  }
}

/**
 * Gives the pipe behind a write end fd its dumped size, then its unread bytes. The bytes must
 * fit the buffer (they did at dump): written without blocking, so an image claiming more
 * than fits is refused instead of waiting forever for a reader.
 */
export function refillPipe(fd: number, contents: PipeContents | undefined, what: string): void {
  if (!contents) return;
  if (contents.size !== undefined && fcntl(fd, F_GETPIPE_SZ) !== contents.size) fcntl(fd, F_SETPIPE_SZ, contents.size);
  const { data } = contents;
  const capacity = fcntl(fd, F_GETPIPE_SZ);
  const tooMuch = () => new Error(`criu-ts: ${what}: ${data.length} unread bytes do not fit its ${capacity}-byte buffer`);
  if (data.length > capacity) throw tooMuch();
  const flags = fcntl(fd, F_GETFL);
  // Packets go back one write each in packet mode (O_DIRECT), which makes each one packet again.
  const packets = contents.packets ?? [data.length];
  fcntl(fd, F_SETFL, flags | O_NONBLOCK | (contents.packets ? fs.constants.O_DIRECT : 0));
  try {
    let at = 0;
    for (const len of packets) {
      const end = at + len;
      while (at < end) at += fs.writeSync(fd, data, at, end - at);
    }
  } catch (e) {
    if (isSysError(e, 'EAGAIN')) throw tooMuch();
    throw e;
  } finally {
    fcntl(fd, F_SETFL, flags);
  }
}

interface PipeState {
  ends: [number, number];
  used: [boolean, boolean];
}

function pipeOf(ctx: OpenContext, pipeId: number): PipeState {
  const key = `pipe:${pipeId}`;
  let p = ctx.state.get(key) as PipeState | undefined;
  if (p) return p;
  const ends = pipe2(O_CLOEXEC);
  ctx.opened.push(...ends);
  refillPipe(ends[1], ctx.tree.pipeData.get(pipeId), `pipe ${pipeId}`);
  p = { ends, used: [false, false] };
  ctx.state.set(key, p);
  return p;
}

export const pipe: FdKind<PipeData> = {
  type: 'PIPE',
  newState: () => new PipeData('pipes-data'),
  dump: {
    matches: (fd) => fd.link.startsWith('pipe:['),
    dump(fd, { files, state }) {
      return files.shared(fd.fileKey, (id) => {
        files.add('PIPE', 'pipe', id, { pipe_id: fd.info.ino, flags: fd.flags, fown: noOwner() });
        state.save(fd);
      });
    },
  },
  restore: {
    check(tree, fileId) {
      fileEntry(tree, fileId, 'PIPE');
    },
    open(ctx, fileId) {
      const pipe = fileEntry(ctx.tree, fileId, 'PIPE').pipe;
      const flags = pipe.flags;
      const p = pipeOf(ctx, pipe.pipe_id);
      const end = (flags & O_ACCMODE) === O_WRONLY ? 1 : 0;
      let fd = p.ends[end];
      if (p.used[end]) {
        fd = fs.openSync(`/proc/self/fd/${fd}`, end === 1 ? 'w' : 'r');
        ctx.opened.push(fd);
      }
      p.used[end] = true;
      fcntl(fd, F_SETFL, flags & ~O_ACCMODE);
      return fd;
    },
  },
};
