// What each kind of file descriptor needs to be restored: a check made before anything
// is created, and an opener that gives an fd in this process to be moved into the task.
import type { Entry } from '../../images/index.js';
import type { TreeImages } from '../task-images.js';

/** State shared by the openers of one restore (e.g. a pipe both of whose ends are used). */
export interface OpenContext {
  tree: TreeImages;
  /** Every fd this process opened for the restore; closed once the tasks have theirs. */
  opened: number[];
  /** Per-kind state, keyed by the kind's own ids. */
  state: Map<string, unknown>;
  /** Opens a file of the images by id, shared as fds share it (set by openFds): e.g. files passed in a socket's queue. */
  openFile?(fileId: number): number;
}

export interface FdKind {
  /** fd_types name in fdinfo_entry.type. */
  type: string;
  /** Throws (clearly) if this file cannot be restored; creates nothing. */
  check(tree: TreeImages, fileId: number): void;
  /** Opens the file description; the returned fd is registered in ctx.opened. */
  open(ctx: OpenContext, fileId: number): number;
  /**
   * Runs once every fd of a task is open, with `source` (this file, open here) and the
   * task's fd numbers -> their files open here (e.g. epoll registering its targets).
   */
  afterOpen?(ctx: OpenContext, fileId: number, source: number, taskFds: ReadonlyMap<number, number>): void;
  /**
   * For files the restore makes (memfds, deleted files), which have no path to map them
   * from: another open file of it with these open flags, registered in ctx.opened.
   */
  reopen?(ctx: OpenContext, fileId: number, flags: number): number;
}

export type { Entry };
