// Typed face of the restore bindings (native/src/restore.cc).
import { addon } from './native.js';

/** The first steps of every new task: its PID, session and group, and its children. */
export interface TaskSteps {
  /** The PID the task must get (clone3 set_tid). */
  pid: number;
  /** setsid() first (the task leads its own session). */
  newSession: boolean;
  /** setpgid(0, 0) by the task itself (a root that stays in our session). */
  ownGroup: boolean;
  /** The group its creator puts it in right after the clone; 0 inherits the creator's. */
  pgidByParent: number;
  /** Indices (in the spawn list) of the tasks this one creates, after its session step. */
  children: number[];
  /** Write end of the report pipe in this process. */
  reportFd: number;
  /** The signal its parent gets when it exits (clone3 exit_signal); SIGCHLD when not given. */
  exitSignal?: number;
  /** Become a child subreaper before creating the children (a helper's are reparented to it). */
  subreaper?: boolean;
  /** Namespaces it creates (unshare of CLONE_NEW* flags) before its children, which share them; then its writes of [/proc file, value] into them (sysctls, time offsets). */
  namespaces?: { flags: number; writes: [string, string][] };
}

/** A task that was a zombie: after its first steps it reports and dies with this wait status. */
export interface ZombieSpec extends TaskSteps {
  exitStatus: number;
  /** Not a dumped task: it only re-creates a gone session leader for its children; its creator reaps it. */
  helper?: boolean;
}

/** What a freshly cloned live task does before it jumps into the restorer blob. */
export interface SpawnSpec extends TaskSteps {
  /** Triples [source fd in this process, target fd, cloexec 0/1], sorted by target fd. */
  fds: Int32Array;
  /**
   * Created by its parent with CLONE_FILES once the parent's fds (with this task's service
   * fds among them) are in place; it places none itself (its own fds is empty).
   */
  sharesFiles?: boolean;
  /** First fd number of a free range, above every source and target, for the shuffle. */
  stagingBase: number;
  /** The report pipe's number in the task once its fds are placed. */
  reportFdTarget: number;
  /** A terminal fd (target number) through which the task makes its group the foreground one (a shell job). */
  foregroundFd?: number;
  /** The terminal (an fd of ours, which the task inherits) that the task, a new session's leader, makes its controlling terminal. */
  cttyFd?: number;
  /** Written to /proc/self/oom_score_adj by the task before it becomes the program. */
  oomScoreAdj?: number;
  /** [resource, cur, max] applied with prlimit. */
  umask: number;
  cwd: string;
  /** chroot() here after the chdir to cwd, unless it is /. */
  root: string;
  /** The blob region, mapped with MAP_FIXED_NOREPLACE: code at its start, args at argsAddr. */
  region: bigint;
  regionLen: bigint;
  code: Buffer;
  args: Buffer;
  argsAddr: bigint;
  stackTop: bigint;
  /** RST_STEP_ number the child fails at with ECANCELED (fault injection), or 0. */
  faultStep: number;
}

interface RestoreAddon {
  restoreSpawn(detached: boolean, tasks: (SpawnSpec | ZombieSpec)[]): number;
  lseek(fd: number, offset: bigint, whence: number): bigint;
  shmemCreate(size: number): number;
}

const native = () => addon<RestoreAddon>();

/**
 * Creates the tree, tasks[0] first. Returns the PID of our direct child: the root, or when
 * detached an intermediate that exits as soon as the root exists (init adopts the tree).
 */
export const restoreSpawn = (detached: boolean, tasks: (SpawnSpec | ZombieSpec)[]): number => native().restoreSpawn(detached, tasks);

export const SEEK_SET = 0;
/** The next data, or hole, at or after the offset (sparse files). */
export const SEEK_DATA = 3;
export const SEEK_HOLE = 4;
export const lseek = (fd: number, offset: bigint, whence = SEEK_SET): bigint => native().lseek(fd, offset, whence);

/** A new shared anonymous memory object of `size` bytes, as an fd to map and fill. */
export const shmemCreate = (size: number): number => native().shmemCreate(size);
