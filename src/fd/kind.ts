// An fd kind: one kind of open file (a fd_types value of fdinfo.proto) with both of its
// halves: the dump half recognises such an fd and writes its file entry, the restore half
// checks the entry and opens a file description like it, in this process, for the new
// task to take. Every kind is listed once in ./registry.ts.
import type fs from 'node:fs';
import type { FdTypes } from '../images/entries.js';
import type { NamespaceIdFields } from '../dump/namespaces.js';
import type { FdInfo } from '../proc/fdinfo.js';
import type { TreeImages } from '../restore/task-images.js';
import type { MemoryStats } from '../dump/page-writer.js';
import type { Logger } from '../log.js';
import type { FileTable } from './file-table.js';
import type { NetworkLockMethod } from './tcp-lock.js';
import type { FileValidation, FileValidationOptions } from './file-validation.js';

/** An fd of a frozen task, as the dump half sees it. */
export interface OpenFd {
  pid: number;
  fd: number;
  /** readlink of /proc/PID/fd/N: a path, "pipe:[ino]", "socket:[ino]", "anon_inode:..." */
  link: string;
  info: FdInfo;
  /** The file's status flags (O_CLOEXEC removed: it belongs to the fd). */
  flags: number;
  /** stat(2) of the open file (not of whatever its path names now). */
  stat(): fs.Stats;
  /** Identifies the open file description: fds sharing one share a key. */
  fileKey: string;
  unsupported(what: string): Error;
}

/** The dump options the fd kinds act on. */
export interface FdDumpOptions {
  /** The tree is attached to our terminal (--shell-job): its terminal fds may be dumped. */
  shellJob: boolean;
  tcpEstablished: boolean;
  /** Unix sockets connected to peers outside the tree are allowed (--ext-unix-sk). */
  extUnixSk: boolean;
  /** The tree runs on after the dump (-R). */
  leaveRunning: boolean;
  /** --external keys: a terminal named here may have its master outside the tree (the restore is handed it with --inherit-fd). */
  external: ReadonlySet<string>;
  /** The largest unlinked file carried in the images, in bytes (--ghost-limit). */
  ghostLimit: number;
  /** Files unlinked but still linked elsewhere get a hard link for restore to open (--link-remap). */
  linkRemap: boolean;
  /** Connections waiting in a listener's accept queue are dropped instead of failing the dump (--skip-in-flight). */
  skipInFlight: boolean;
  /** How established connections are locked while the tree is down (--network-lock), and whether the user said so. */
  networkLock: NetworkLockMethod;
  networkLockExplicit: boolean;
  /** What the REG entries keep to check their file on restore (--file-validation). */
  fileValidation: FileValidation;
  log: Logger;
}

/** What the shared images of a kind are written with, once every task is dumped. */
export interface FinishContext {
  dir: string;
  /** The dump's file table, which a kind may still add to (files.img is written after every kind finished). */
  files: FileTable;
  /** A fresh pages-<id>.img number, for kinds that keep pages (memfds). */
  nextPagesId(): number;
  /** Counts pages a kind wrote into the dump's shared-memory statistics. */
  addStats(stats: MemoryStats): void;
}

/**
 * Per-dump state of a kind, with the steps of the dump's end it takes part in. Each step
 * is called for every kind whose state was made, in registry order.
 */
export interface KindDumpState {
  /** Every task is dumped and the tree still frozen: checks across tasks, the kind's shared images. */
  finish?(out: FinishContext): void;
  /** The tree was killed after a dump that succeeded: what only a dead tree gives up. */
  killed?(dir: string): void;
  /** The tree runs on (the dump failed, or --leave-running): undo what froze the kind. Never throws. */
  resumed?(): void;
  /** The dump failed: take away what it made outside the images (before resumed). Never throws. */
  failed?(): void;
  /** Last of all, whatever happened: drop what the state holds open. */
  close?(): void;
}

/** What the dump half of a kind sees of the dump. */
export interface FdDumpContext<S> {
  files: FileTable;
  /** This kind's state in this dump. */
  state: S;
  options: FdDumpOptions;
  /** Another kind's state (a FIFO keeps its bytes as pipes do, memfd mappings share memfd inodes). */
  stateOf<T extends KindDumpState | undefined>(kind: FdKind<T>): T;
  /** Dumps a file open in this very process (e.g. passed in a socket queue); returns its id. */
  dumpPassedFd(fd: number): number;
  /** The *_ns_id of the dumper's own namespaces (inventory root_ids), by field name. */
  ourNamespaceIds: Readonly<NamespaceIdFields>;
  /** Whether pid is a task, thread or zombie of the dumped tree. */
  inTree(pid: number): boolean;
}

export interface FdDumper<S> {
  matches(fd: OpenFd): boolean;
  /** Adds the file's entry (once per open file description) and returns its id. */
  dump(fd: OpenFd, ctx: FdDumpContext<S>): number;
}

/** A file that can be opened only once every task of the tree exists (a pidfd of one of them). */
export interface LateFile {
  /** Held open here until then; the tasks' fds are placed from it and take the file from its number. */
  placeholder: number;
  /** Opens the file; every task exists by then, though their threads may still be starting (ESRCH). */
  open(): number;
  /** What it is, for an error that names it. */
  what: string;
}

/** What must wait until every task has made its mappings, and be done before any runs on. */
export interface LateStep {
  run(): void;
  /** Drops what it holds, whether it ran or not. */
  close(): void;
}

/** State shared by the openers of one restore (e.g. a pipe both of whose ends are used). */
export interface OpenContext {
  tree: TreeImages;
  /** Every fd this process opened for the restore; closed once the tasks have theirs. */
  opened: number[];
  /** Per-kind state, keyed by the kind's own ids. */
  state: Map<string, unknown>;
  /** Opens a file of the images by id, shared as fds share it: e.g. files passed in a socket's queue. */
  openFile(fileId: number): number;
  options: FdRestoreOptions;
  /**
   * Run once every task's files are open, or the restore failed before: what must wait for
   * all of them (the name of a socket whose file was deleted, which peers connect through).
   */
  atEnd: (() => void)[];
  /** Files opened once the tree exists; their placeholders stay open until the restore ends. */
  late: LateFile[];
  /** Run when the late files are opened (late-files.ts); the restore makes every task wait for them. */
  lateSteps: LateStep[];
}

/** The restore options the fd kinds act on. */
export interface FdRestoreOptions extends FileValidationOptions {
  /** The tree goes back onto our terminal and session (--shell-job). */
  shellJob: boolean;
  /** How the dump locked established connections, to unlock each once it is back (default iptables). */
  networkLock?: NetworkLockMethod;
  /** Established TCP connections come back closed (--tcp-close). */
  tcpClose?: boolean;
  /** Files restored from fds of ours (--inherit-fd), by key: neither checked nor opened. */
  inherited?: ReadonlyMap<string, number>;
  log?: Logger;
}

/**
 * An epoll item the new task adds itself once its fds are in place (rst_epoll_item), with its
 * own fd numbers: one whose target's wakeups belong to who adds it (a signalfd's to the
 * adder's signal queue), or whose target is a late file not open yet.
 */
export interface TaskEpollItem {
  epfd: number;
  fd: number;
  events: number;
  data: bigint;
}

export interface FdRestorer {
  /** Throws (clearly) if this file cannot be restored; creates nothing. */
  check(tree: TreeImages, fileId: number, options: FdRestoreOptions): void;
  /** Opens the file description; the returned fd is registered in ctx.opened. */
  open(ctx: OpenContext, fileId: number): number;
  /**
   * Runs once every fd of a task is open, with `source` (this file, open here) and the
   * task's fd numbers -> their files open here (e.g. epoll registering its targets); returns
   * the epoll items the task must add itself.
   */
  afterOpen?(ctx: OpenContext, fileId: number, source: number, taskFds: ReadonlyMap<number, number>): TaskEpollItem[] | void;
  /**
   * For files the restore makes (memfds, deleted files), which have no path to map them
   * from: another open file of it with these open flags, registered in ctx.opened.
   */
  reopen?(ctx: OpenContext, fileId: number, flags: number): number;
}

/** A kind criu-ts knows but does not handle: dump refuses it by name, and restore its entries. */
export interface FdRefusal {
  /** Recognises such an fd at dump; absent for kinds a dump never meets (written by CRIU's plugins). */
  matches?(fd: OpenFd): boolean;
  /** What it is, as the refusal names it ("a packet socket"). */
  what: string;
}

export interface FdKind<S extends KindDumpState | undefined = undefined> {
  /** fd_types name: fdinfo_entry.type and file_entry.type. */
  readonly type: FdTypes;
  /** The kind's state in one dump; kinds without one leave it out. */
  readonly newState?: (options: FdDumpOptions) => S;
  readonly dump?: FdDumper<S>;
  readonly restore?: FdRestorer;
  /** For a kind known but not handled yet (no halves). */
  readonly refuse?: FdRefusal;
}

