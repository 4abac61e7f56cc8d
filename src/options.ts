// Options of the library API (and so of the CLI commands that wrap it).
import type { ActionHook } from './actions.js';
import type { Logger } from './log.js';
import type { NetworkLockMethod } from './fd/tcp-lock.js';
import type { FileValidation } from './fd/file-validation.js';
import type { InheritFd } from './fd/inherit-fd.js';

export interface DumpOptions {
  /** Root of the process tree to dump (criu's -t). */
  pid: number;
  /** Where images are written (criu's -D); must exist. */
  imagesDir: string;
  /** Keep the tree running after a successful dump (-R). */
  leaveRunning?: boolean;
  /** Keep the tree after a successful dump, every task stopped by SIGSTOP (-s); wins over leaveRunning. */
  leaveStopped?: boolean;
  /** The tree is attached to our terminal/session (-j). */
  shellJob?: boolean;
  /** Dump established TCP connections (--tcp-established). */
  tcpEstablished?: boolean;
  /** Allow unix sockets connected to peers outside the tree (--ext-unix-sk). */
  extUnixSk?: boolean;
  /** Dump file locks (-l). */
  fileLocks?: boolean;
  /** Resources outside the tree that it may hold, as criu's --external names them (only tty[RDEV:DEV] yet). */
  external?: string[];
  /** An open file unlinked but still linked elsewhere gets a hard link in its old directory for restore (--link-remap). */
  linkRemap?: boolean;
  /** The largest unlinked file carried in the images, in bytes (--ghost-limit; default 1 MiB). */
  ghostLimit?: number;
  /** Give up seizing/freezing after this many seconds (--timeout). */
  timeoutSec?: number;
  /** Drop connections waiting in a listener's accept queue instead of refusing the dump (--skip-in-flight). */
  skipInFlight?: boolean;
  /**
   * How established connections are kept from being reset while the tree is down
   * (--network-lock; default iptables, and only a warning when iptables is missing).
   */
  networkLock?: NetworkLockMethod;
  /** What is kept to check files opened by path on restore (--file-validation; default buildid: size, mode and ELF build-id). */
  fileValidation?: FileValidation;
  /**
   * A previous dump or pre-dump of the tree, relative to imagesDir as criu's --prev-images-dir:
   * pages it holds unchanged are recorded in-parent, not written again (a `parent` symlink).
   */
  prevImagesDir?: string;
  /** Called at each dump stage (pre-dump, network-lock, post-dump, network-unlock). */
  actions?: ActionHook;
  log?: Logger;
}

/** What pre-dump takes: the tree, where its memory goes, and an optional previous pre-dump. */
export type PreDumpOptions = Pick<DumpOptions, 'pid' | 'imagesDir' | 'prevImagesDir' | 'timeoutSec' | 'log'>;

export interface DumpResult {
  /** PIDs of every task dumped, root first. */
  pids: number[];
  pagesScanned: number;
  pagesWritten: number;
  /** Pages found unchanged in the previous dump (prevImagesDir), recorded but not written. */
  pagesInParent: number;
  freezeMs: number;
  dumpMs: number;
}

export interface RestoreOptions {
  imagesDir: string;
  /** Return once the tree runs instead of waiting for its root to exit (-d). */
  detached?: boolean;
  /** Every task is left stopped by SIGSTOP where it would resume (-s). */
  leaveStopped?: boolean;
  /** Restore into our terminal/session (-j). */
  shellJob?: boolean;
  /** Write the restored root's PID here (--pidfile). */
  pidfile?: string;
  /** How the dump locked established connections (--network-lock; default iptables): unlocked as each is back. */
  networkLock?: NetworkLockMethod;
  /** Established TCP connections come back as closed sockets (--tcp-close): the program sees them dropped. */
  tcpClose?: boolean;
  /** How files opened by path are checked (--file-validation; default buildid: size, mode and build-id where kept). */
  fileValidation?: FileValidation;
  /** Files may have other permission bits than at dump (--skip-file-rwx-check). */
  skipFileRwxCheck?: boolean;
  /** Files restored from fds of this process instead (--inherit-fd fd[N]:KEY). */
  inheritFds?: InheritFd[];
  /** Called at each restore stage (pre-restore ... post-resume). */
  actions?: ActionHook;
  log?: Logger;
}

export interface RestoreResult {
  /** PID of the restored root task. */
  pid: number;
  /** Exit status of the root when not detached (as criu: the code, or 128+signal). */
  exitCode?: number;
  restoreMs: number;
}
