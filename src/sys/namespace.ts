// Typed face of native/src/namespace.cc: state read from inside another task's namespace.
import fs from 'node:fs';
import { addon } from './native.js';

export type ReadableNamespace = 'uts' | 'ipc' | 'net';

interface NamespaceAddon {
  readFilesIn(nsFd: number, kind: ReadableNamespace, paths: string[]): (string | null)[];
  mqueueNames(ipcNsFd: number, dir: string): string;
}

const native = () => addon<NamespaceAddon>();

/**
 * The contents of each path (undefined where it cannot be read) as a thread in pid's `kind`
 * namespace sees them (/proc/sys/kernel/hostname, /proc/sysvipc/shm, ...).
 */
export function readFilesIn(pid: number, kind: ReadableNamespace, paths: string[]): (string | undefined)[] {
  return withNamespace(pid, kind, (fd) => native().readFilesIn(fd, kind, paths).map((c) => c ?? undefined));
}

/**
 * The POSIX message queues of pid's IPC namespace, listed by a helper that mounts its mqueue
 * filesystem on /proc: a directory every system has, covered only in the helper's own mount
 * namespace.
 */
export function mqueueNames(pid: number): string[] {
  const dir = '/proc';
  return withNamespace(pid, 'ipc', (fd) => native().mqueueNames(fd, dir).split('\n').filter(Boolean));
}

function withNamespace<T>(pid: number, kind: ReadableNamespace, use: (fd: number) => T): T {
  const fd = fs.openSync(`/proc/${pid}/ns/${kind}`, 'r');
  try {
    return use(fd);
  } finally {
    fs.closeSync(fd);
  }
}
