// The fd plan of a task: every fdinfo entry checked against the kinds of the registry,
// then opened here so the new task only has to move them into place.
import type { FdinfoEntry } from '../images/entries.js';
import { FD_CLOEXEC } from '../sys/fcntl.js';
import type { TaskImages, TreeImages } from '../restore/task-images.js';
import type { FdRestoreOptions, FdRestorer, OpenContext, TaskEpollItem } from './kind.js';
import { inheritedSource, inheritKey } from './inherit-fd.js';
import { restorerOf } from './registry.js';

export interface TaskFd {
  /** Number in the task. */
  fd: number;
  /** The file description, already open in this process. */
  source: number;
  cloexec: boolean;
}

const fdRestorer = (e: FdinfoEntry, pid: number): FdRestorer => restorerOf(String(e.type), `fd ${e.fd} of task ${pid}`);

const fileRestorer = (tree: TreeImages, fileId: number): FdRestorer => restorerOf(String(tree.files.get(fileId)?.type), `file ${fileId}`);

export function checkFds(task: TaskImages, tree: TreeImages, options: FdRestoreOptions): void {
  for (const e of task.fds) {
    const key = options.inherited?.size ? inheritKey(tree, e.id) : undefined;
    if (key !== undefined && options.inherited!.has(key)) continue;
    fdRestorer(e, task.pid).check(tree, e.id, options);
  }
}

/** A fresh context for the openers of one restore. */
export function openContext(tree: TreeImages, options: FdRestoreOptions): OpenContext {
  // A file that no fd names (passed in a socket queue) was not checked with the tasks' fds.
  const ctx: OpenContext = { tree, opened: [], state: new Map(), options, atEnd: [], late: [], lateSteps: [], openFile: (id) => openFile(ctx, id, fileRestorer(tree, id), true) };
  return ctx;
}

/** File id open here, opened on first use (fds sharing an id, in any task, share its description). */
function openFile(ctx: OpenContext, id: number, kind: FdRestorer, check: boolean): number {
  const key = `file:${id}`;
  let source = ctx.state.get(key) as number | undefined;
  if (source === undefined) {
    source = inheritedSource(ctx.options.inherited ?? new Map(), ctx.tree, id);
    if (source !== undefined) ctx.opened.push(source);
    else {
      if (check) kind.check(ctx.tree, id, ctx.options);
      source = kind.open(ctx, id);
    }
    ctx.state.set(key, source);
  }
  return source;
}

/** The description of file id this process opened for the restore, if it did. */
export const openedFile = (ctx: OpenContext, id: number): number | undefined => ctx.state.get(`file:${id}`) as number | undefined;

/** Opens a file the restore makes (memfd, deleted file) anew with flags, for a mapping. */
export function reopenRecreated(ctx: OpenContext, fileId: number, flags: number): number {
  const kind = fileRestorer(ctx.tree, fileId);
  if (!kind.reopen) throw new Error(`criu-ts: file ${fileId} (${ctx.tree.files.get(fileId)?.type}) cannot be mapped again`);
  return kind.reopen(ctx, fileId, flags);
}

/** Opens the task's files; with the epoll items the task adds itself. */
export function openFds(task: TaskImages, ctx: OpenContext): { fds: TaskFd[]; epollItems: TaskEpollItem[] } {
  const out: TaskFd[] = task.fds.map((e) => ({
    fd: e.fd,
    source: openFile(ctx, e.id, fdRestorer(e, task.pid), false),
    cloexec: (e.flags & FD_CLOEXEC) !== 0,
  }));
  const byNumber = new Map(out.map((f) => [f.fd, f.source]));
  const epollItems = task.fds.flatMap((e) => fdRestorer(e, task.pid).afterOpen?.(ctx, e.id, byNumber.get(e.fd)!, byNumber) ?? []);
  return { fds: out.sort((a, b) => a.fd - b.fd), epollItems };
}
