// Pipes: one new pipe per dumped pipe_id, refilled with its unread data; each file id
// gets the end its access mode names (further ids of one end get their own description
// through /proc/self/fd, as they had their own before).
import fs from 'node:fs';
import { fcntl, pipe2, O_CLOEXEC, F_SETPIPE_SZ } from '../../sys/proc-ops.js';
import { fileEntry } from '../task-images.js';
import type { FdKind, OpenContext } from './kinds.js';

const O_ACCMODE = 3;
const O_WRONLY = 1;
const F_SETFL = 4;

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
  const data = ctx.tree.pipeData.get(pipeId);
  if (data && data.length > 0) {
    if (data.length > 65536) fcntl(ends[1], F_SETPIPE_SZ, data.length);
    for (let done = 0; done < data.length; ) done += fs.writeSync(ends[1], data, done);
  }
  p = { ends, used: [false, false] };
  ctx.state.set(key, p);
  return p;
}

export const pipeFile: FdKind = {
  type: 'PIPE',
  check(tree, fileId) {
    fileEntry(tree, fileId, 'PIPE');
  },
  open(ctx, fileId) {
    const pipe = fileEntry(ctx.tree, fileId, 'PIPE')['pipe'];
    const flags = Number(pipe['flags']);
    const p = pipeOf(ctx, pipe['pipe_id']);
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
};
