// File locks from filelocks.img. flock and OFD locks belong to the open file, so they are
// taken again here on the task's files before these move into it; POSIX locks belong to
// the process, so the restorer blob takes them in the new task (posixLocks).
import fs from 'node:fs';
import path from 'node:path';
import { FL_FLOCK, FL_OFD, FL_POSIX } from '../dump/file-locks.js';
import { readImage, type Entry } from '../images/index.js';
import { flock, F_OFD_SETLK, LOCK_EX, LOCK_NB, LOCK_SH, setRecordLock } from '../sys/anon-fd.js';
import type { TaskFd } from './fds.js';
import type { TaskImages, TreeImages } from './task-images.js';

const F_WRLCK = 1;

const cache = new WeakMap<TreeImages, Entry[]>();

function locksOf(tree: TreeImages): Entry[] {
  let locks = cache.get(tree);
  if (!locks) {
    locks = fs.existsSync(path.join(tree.dir, 'filelocks.img')) ? readImage(tree.dir, 'filelocks.img').entries : [];
    cache.set(tree, locks);
  }
  return locks;
}

/** Throws if a lock of task cannot be restored. */
export function checkFileLocks(tree: TreeImages, task: TaskImages): void {
  for (const l of locksOf(tree)) {
    if (l['pid'] !== task.pid) continue;
    if (l['flag'] !== FL_POSIX && l['flag'] !== FL_FLOCK && l['flag'] !== FL_OFD) throw new Error(`criu-ts: file lock of kind ${l['flag']} (fd ${l['fd']} of ${task.pid}) is not supported`);
    if (!task.fds.some((f) => f['fd'] === l['fd'])) throw new Error(`criu-ts: file lock on fd ${l['fd']} of ${task.pid}, which the task does not have`);
  }
}

/** Takes task's flock and OFD locks on its files, open here as fds. */
export function takeFileLocks(tree: TreeImages, task: TaskImages, fds: TaskFd[]): void {
  checkFileLocks(tree, task);
  for (const l of locksOf(tree)) {
    if (l['pid'] !== task.pid) continue;
    if (l['flag'] === FL_POSIX) continue;
    const source = fds.find((f) => f.fd === l['fd'])!.source;
    const exclusive = l['type'] === F_WRLCK;
    if (l['flag'] === FL_FLOCK) flock(source, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB);
    else setRecordLock(source, F_OFD_SETLK, l['type'], BigInt(l['start']), BigInt(l['len']));
  }
}

/** The task's POSIX locks, for the restorer blob to take (struct rst_posix_lock). */
export function posixLocks(tree: TreeImages, task: TaskImages): { fd: number; type: number; start: bigint; len: bigint }[] {
  return locksOf(tree)
    .filter((l) => l['pid'] === task.pid && l['flag'] === FL_POSIX)
    .map((l) => ({ fd: l['fd'], type: l['type'], start: BigInt(l['start']), len: BigInt(l['len']) }));
}
