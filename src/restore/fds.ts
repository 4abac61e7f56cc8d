// The fd plan of a task: every fdinfo entry checked against the table of kinds we can
// restore, then opened here so the new task only has to move them into place.
import type { Entry } from '../images/index.js';
import type { FdKind, OpenContext } from './fd/kinds.js';
import { eventfdFile } from './fd/eventfd.js';
import { eventpollFile } from './fd/eventpoll.js';
import { fifoFile } from './fd/fifo.js';
import { withGhosts } from './fd/ghost-file.js';
import { inotifyFile } from './fd/inotify.js';
import { memfdFile } from './fd/memfd.js';
import { pipeFile } from './fd/pipe.js';
import { inetSocketFile } from './fd/inet-socket.js';
import { unixSocketFile } from './fd/unix-socket.js';
import { regularFile } from './fd/reg.js';
import { signalfdFile } from './fd/signalfd.js';
import { timerfdFile } from './fd/timerfd.js';
import type { TaskImages, TreeImages } from './task-images.js';

const kinds = new Map<string, FdKind>([withGhosts(regularFile), pipeFile, fifoFile, eventfdFile, timerfdFile, signalfdFile, inotifyFile, eventpollFile, memfdFile, unixSocketFile, inetSocketFile].map((k) => [k.type, k]));

const FD_CLOEXEC = 1;

export interface TaskFd {
  /** Number in the task. */
  fd: number;
  /** The file description, already open in this process. */
  source: number;
  cloexec: boolean;
}

function kindOf(e: Entry, pid: number): FdKind {
  const kind = kinds.get(String(e['type']));
  if (!kind) throw new Error(`criu-ts: task ${pid}: fd ${e['fd']} is a ${e['type']}, which cannot be restored yet`);
  return kind;
}

/** Opens a file the restore makes (memfd, deleted file) anew with flags, for a mapping. */
export function reopenRecreated(ctx: OpenContext, fileId: number, flags: number): number {
  return kinds.get(String(ctx.tree.files.get(fileId)?.['type']))!.reopen!(ctx, fileId, flags);
}

export function checkFds(task: TaskImages, tree: TreeImages): void {
  for (const e of task.fds) kindOf(e, task.pid).check(tree, e['id']);
}

/** File id open here, opened on first use by the kind files.img names (the key openFds shares). */
function openFile(ctx: OpenContext, id: number): number {
  const key = `file:${id}`;
  let source = ctx.state.get(key) as number | undefined;
  if (source === undefined) {
    const type = String(ctx.tree.files.get(id)?.['type']);
    const kind = kinds.get(type);
    if (!kind) throw new Error(`criu-ts: file ${id} is a ${type}, which cannot be restored yet`);
    kind.check(ctx.tree, id);
    source = kind.open(ctx, id);
    ctx.state.set(key, source);
  }
  return source;
}

/** Opens the task's files; fds sharing a file id (in any task) share one description, as they did. */
export function openFds(task: TaskImages, ctx: OpenContext): TaskFd[] {
  ctx.openFile ??= (id) => openFile(ctx, id);
  const out: TaskFd[] = [];
  for (const e of task.fds) {
    const key = `file:${e['id']}`;
    let source = ctx.state.get(key) as number | undefined;
    if (source === undefined) {
      source = kindOf(e, task.pid).open(ctx, e['id']);
      ctx.state.set(key, source);
    }
    out.push({ fd: e['fd'], source, cloexec: (e['flags'] & FD_CLOEXEC) !== 0 });
  }
  const byNumber = new Map(out.map((f) => [f.fd, f.source]));
  for (const e of task.fds) kindOf(e, task.pid).afterOpen?.(ctx, e['id'], byNumber.get(e['fd'])!, byNumber);
  return out.sort((a, b) => a.fd - b.fd);
}
