// Typed face of native/src/anon-fd.cc: creating eventfd, signalfd, timerfd, inotify and
// epoll files, finding inodes by file handle, and taking file locks.
import { addon } from './native.js';

interface AnonFdAddon {
  eventfd(flags: number): number;
  signalfd(mask: bigint, flags: number): number;
  timerfdCreate(clockid: number, flags: number): number;
  timerfdSettime(fd: number, flags: number, valueSec: bigint, valueNsec: bigint, intervalSec: bigint, intervalNsec: bigint): void;
  timerfdSetTicks(fd: number, ticks: bigint): void;
  clockGettime(clockid: number): [bigint, bigint];
  inotifyInit(flags: number): number;
  inotifyAddWatch(fd: number, path: string, mask: number): number;
  inotifyRmWatch(fd: number, wd: number): void;
  openByHandleAt(mountFd: number, type: number, handle: Buffer, flags: number): number;
  fanotifyInit(flags: number, eventFlags: number): number;
  fanotifyMark(fd: number, flags: number, mask: number, path: string): void;
  epollCreate(flags: number): number;
  epollAddAt(epfd: number, sources: Int32Array, numbers: Int32Array, events: Uint32Array, data: BigUint64Array): void;
  kcmpEpollTarget(pid: number, epfd: number, tfd: number, toff: number): boolean;
  flock(fd: number, op: number): void;
  setRecordLock(fd: number, cmd: number, type: number, start: bigint, len: bigint): void;
}

const native = () => addon<AnonFdAddon>();

/** An eventfd with a zero counter; write the counter to it (8 bytes) to set it. */
/** <sys/eventfd.h>: reads take 1 at a time instead of the whole counter. */
export const EFD_SEMAPHORE = 1;
export const eventfd = (flags: number): number => native().eventfd(flags);
/** A signalfd for the signals in mask (bit n-1 is signal n). */
export const signalfd = (mask: bigint, flags: number): number => native().signalfd(mask, flags);
export const timerfdCreate = (clockid: number, flags: number): number => native().timerfdCreate(clockid, flags);

export interface TimerSpec {
  valueSec: bigint;
  valueNsec: bigint;
  intervalSec: bigint;
  intervalNsec: bigint;
}

export function timerfdSettime(fd: number, flags: number, t: TimerSpec): void {
  native().timerfdSettime(fd, flags, t.valueSec, t.valueNsec, t.intervalSec, t.intervalNsec);
}
/** Sets the expirations a read would return (TFD_IOC_SET_TICKS). */
export const timerfdSetTicks = (fd: number, ticks: bigint): void => native().timerfdSetTicks(fd, ticks);
/** The time of clockid now, in nanoseconds. */
export function clockNowNs(clockid: number): bigint {
  const [sec, nsec] = native().clockGettime(clockid);
  return sec * 1_000_000_000n + nsec;
}
export const inotifyInit = (flags: number): number => native().inotifyInit(flags);
export const inotifyAddWatch = (fd: number, path: string, mask: number): number => native().inotifyAddWatch(fd, path, mask);
export const inotifyRmWatch = (fd: number, wd: number): void => native().inotifyRmWatch(fd, wd);
/** Opens the inode a file handle names, on the filesystem mountFd is on. */
export const openByHandleAt = (mountFd: number, type: number, handle: Buffer, flags: number): number =>
  native().openByHandleAt(mountFd, type, handle, flags);
export const fanotifyInit = (flags: number, eventFlags: number): number => native().fanotifyInit(flags, eventFlags);
/** fanotify_mark on the object at path (an inode, or the mount at path with FAN_MARK_MOUNT). */
export const fanotifyMark = (fd: number, flags: number, mask: number, path: string): void => native().fanotifyMark(fd, flags, mask, path);
export const epollCreate = (flags: number): number => native().epollCreate(flags);

export interface EpollTarget {
  /** The target file, open in this process. */
  source: number;
  /** Its fd number in the task the epoll belongs to. */
  fd: number;
  events: number;
  data: bigint;
}

/** Registers every target in epfd under the fd number it has in the task (see anon-fd.cc). */
export function epollAddAt(epfd: number, targets: EpollTarget[]): void {
  native().epollAddAt(
    epfd,
    Int32Array.from(targets.map((t) => t.source)),
    Int32Array.from(targets.map((t) => t.fd)),
    Uint32Array.from(targets.map((t) => t.events)),
    BigUint64Array.from(targets.map((t) => t.data)),
  );
}

/** True when fd tfd of pid is still the file its epoll epfd watches as (tfd, toff). */
export const kcmpEpollTarget = (pid: number, epfd: number, tfd: number, toff: number): boolean => native().kcmpEpollTarget(pid, epfd, tfd, toff);

export const flock = (fd: number, op: number): void => native().flock(fd, op);

/** Takes a record lock of `type` (F_RDLCK 0, F_WRLCK 1) on [start, start+len) from the file's start. */
export const setRecordLock = (fd: number, cmd: number, type: number, start: bigint, len: bigint): void =>
  native().setRecordLock(fd, cmd, type, start, len);
