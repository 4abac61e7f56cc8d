// Typed face of the per-task syscalls the dumper makes from outside the target.
import fs from 'node:fs';
import { addon } from './native.js';

interface ProcOpsAddon {
  getRobustList(tid: number): [number, number];
  pidfdOpen(pid: number, flags: number): number;
  deadPidfds(flags: number[]): number[];
  pidfdGetfd(pidfd: number, fd: number): number;
  pipe2(flags: number): [number, number];
  tee(fdIn: number, fdOut: number, len: number, flags: number): number;
  fcntl(fd: number, cmd: number, arg?: number): number;
  fcntlRead(fd: number, cmd: number, size: number): Buffer;
  memfdCreate(name: string, flags: number): number;
  kcmpFiles(pid1: number, pid2: number, fd1: number, fd2: number): boolean;
  kcmpFdTables(pid1: number, pid2: number): boolean;
  ioctlRead(fd: number, request: number, size: number): Buffer;
  ioctlWrite(fd: number, request: number, data: Buffer): void;
  ioctlValue(fd: number, request: number, arg: number): number;
  linkFollow(path: string, newPath: string): void;
  dup3(oldFd: number, newFd: number, flags: number): number;
  setChildSubreaper(): void;
}

const native = () => addon<ProcOpsAddon>();

/** The robust futex list head of a thread and its length. */
export function getRobustList(tid: number): { head: number; len: number } {
  const [head, len] = native().getRobustList(tid);
  return { head, len };
}
/** Orphaned descendants become our children (for a harness that must find everything it started). */
export const setChildSubreaper = (): void => native().setChildSubreaper();
export const pidfdOpen = (pid: number, flags = 0): number => native().pidfdOpen(pid, flags);
/** Pidfds (one per flags value) of a single process already dead and reaped: what a pidfd of a reaped process is. */
export const deadPidfds = (flags: number[]): number[] => native().deadPidfds(flags);
/** Duplicates fd of the process behind pidfd into our table (pidfd_getfd). */
export const pidfdGetfd = (pidfd: number, fd: number): number => native().pidfdGetfd(pidfd, fd);
/** A copy in our table of fd of process pid: the same open file (pidfd_open + pidfd_getfd). */
export function borrowFd(pid: number, fd: number): number {
  const pidfd = pidfdOpen(pid);
  try {
    return pidfdGetfd(pidfd, fd);
  } finally {
    fs.closeSync(pidfd);
  }
}
export const pipe2 = (flags: number): [number, number] => native().pipe2(flags);
/** Duplicates up to len bytes from pipe fdIn into pipe fdOut without consuming them. */
export const tee = (fdIn: number, fdOut: number, len: number, flags: number): number => native().tee(fdIn, fdOut, len, flags);
export const fcntl = (fd: number, cmd: number, arg = 0): number => native().fcntl(fd, cmd, arg);
/** Runs an fcntl that fills a struct of `size` bytes and returns it. */
export const fcntlRead = (fd: number, cmd: number, size: number): Buffer => native().fcntlRead(fd, cmd, size);
export const memfdCreate = (name: string, flags: number): number => native().memfdCreate(name, flags);
/** True when fd1 of pid1 and fd2 of pid2 share one open file description (kcmp). */
export const kcmpFiles = (pid1: number, pid2: number, fd1: number, fd2: number): boolean => native().kcmpFiles(pid1, pid2, fd1, fd2);
/** True when tasks pid1 and pid2 use one fd table (a CLONE_FILES child and its parent). */
export const kcmpFdTables = (pid1: number, pid2: number): boolean => native().kcmpFdTables(pid1, pid2);
/** Runs an ioctl that fills a struct of `size` bytes and returns it. */
export const ioctlRead = (fd: number, request: number, size: number): Buffer => native().ioctlRead(fd, request, size);
/** Puts a copy of oldFd at number newFd (closing what was there). */
export const dup3 = (oldFd: number, newFd: number, flags = 0): number => native().dup3(oldFd, newFd, flags);
/** Runs an ioctl that takes a struct (the contents of data). */
export const ioctlWrite = (fd: number, request: number, data: Buffer): void => native().ioctlWrite(fd, request, data);

/** A hard link at newPath to the file path names, following it (through /proc/PID/fd/N: the file a task has open). */
export const linkFollow = (path: string, newPath: string): void => native().linkFollow(path, newPath);

/** Runs an ioctl that takes a plain int (or nothing) and returns its result. */
export const ioctlValue = (fd: number, request: number, arg = 0): number => native().ioctlValue(fd, request, arg);
